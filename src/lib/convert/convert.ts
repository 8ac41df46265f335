/**
 * Checkpoint bytes → ONNX models (fp32, weight-only int8 and, given a calibration, static int8) and, for torchaudio front ends, the checkpoint's own
 * window and mel filterbank. Pure: no file system access (tools/models/build.ts does the I/O).
 */
import { architectureDef, type Architecture } from './architectures';
import type { GraphBuilder, Precision } from './graph';
import { AUDIO_INPUT, INPUT, OUTPUT, type GraphShape } from './layers';
import type { FrontendTables } from './tables';
import { encodeModel, TensorDataType, type GraphDef } from './onnx';
import { staticInt8, type Calibration } from './static-int8';
import { CheckpointError, readTorchCheckpoint, type StateDict } from './torch-checkpoint';
import { ConversionError, Weights } from './weights';

/** ONNX opset: 17 is supported by onnxruntime-web's WASM and WebGPU EPs (and has per-axis DequantizeLinear). */
export const OPSET = 17;
/** IR version that goes with opset 17. */
export const IR_VERSION = 8;

/** What to build: the model id (for messages), its architecture and its input and output sizes. */
export type ConversionSpec = { id: string; architecture: Architecture } & GraphShape;

export interface ConversionResult {
	fp32: Uint8Array;
	int8: Uint8Array;
	/** With a calibration: QLinearConv for the CPU execution providers (static-int8.ts). */
	int8Static?: Uint8Array;
	tables?: FrontendTables;
}

/** The model's I/O: dynamic batch, the input fixed to the chunk length the architecture was trained on. */
function io(spec: ConversionSpec) {
	const input =
		spec.input === 'mel'
			? { name: INPUT, shape: ['batch', spec.nMels, spec.frames], what: 'dB bands' }
			: { name: AUDIO_INPUT, shape: ['batch', spec.samples], what: '16 kHz waveform' };
	return {
		inputs: [{ name: input.name, elemType: TensorDataType.FLOAT, shape: input.shape }],
		outputs: [{ name: OUTPUT, elemType: TensorDataType.FLOAT, shape: ['batch', spec.nTags] }],
		doc: `input ${input.name} [${input.shape.join(', ')}] ${input.what}; output ${OUTPUT} [batch, ${spec.nTags}] sigmoid`
	};
}

/** torch.save bytes (zip or legacy) → state_dict; an unreadable file is a ConversionError naming the model. */
export function readCheckpoint(bytes: Uint8Array, modelId: string): StateDict {
	try {
		return readTorchCheckpoint(bytes);
	} catch (error) {
		if (error instanceof CheckpointError || (error as Error).name === 'PickleError')
			throw new ConversionError(
				modelId,
				undefined,
				`cannot read the checkpoint: ${(error as Error).message}`
			);
		throw error;
	}
}

export function convertCheckpoint(
	bytes: Uint8Array,
	spec: ConversionSpec,
	metadata: Record<string, string> = {},
	calibration?: Calibration
): ConversionResult {
	return convertStateDict(readCheckpoint(bytes, spec.id), spec, metadata, calibration);
}

/** The checkpoint's graph (weights checked, every key used) and its torchaudio tables. */
function buildGraph(
	stateDict: StateDict,
	spec: ConversionSpec
): { graph: GraphBuilder; tables?: FrontendTables } {
	const weights = new Weights(stateDict, spec.id);
	const def = architectureDef(spec.architecture);
	const tables = def.tables?.(weights);
	if (tables && spec.input === 'mel' && tables.cols !== spec.nMels)
		throw new ConversionError(
			spec.id,
			undefined,
			`the front end has ${tables.cols} bands, the card ${spec.nMels}`
		);
	const graph = def.build(weights, spec);
	weights.assertAllUsed();
	return { graph, tables };
}

/** The fp32 graph with the model's I/O, before encoding (tools/models/calibrate.ts measures it). */
export function fp32Graph(stateDict: StateDict, spec: ConversionSpec): GraphDef {
	const { inputs, outputs } = io(spec);
	return buildGraph(stateDict, spec).graph.build('fp32', inputs, outputs);
}

export function convertStateDict(
	stateDict: StateDict,
	spec: ConversionSpec,
	metadata: Record<string, string> = {},
	calibration?: Calibration
): ConversionResult {
	const { graph, tables } = buildGraph(stateDict, spec);
	const { inputs, outputs, doc } = io(spec);
	const encode = (precision: Precision | 'int8-static', def: GraphDef) =>
		encodeModel({
			graph: def,
			opset: OPSET,
			irVersion: IR_VERSION,
			producerName: 'music-tagger src/lib/convert',
			producerVersion: '1',
			docString: `${spec.id} (${precision}): ${doc}`,
			metadata: { model: spec.id, precision, ...metadata }
		});
	const fp32 = graph.build('fp32', inputs, outputs);
	return {
		fp32: encode('fp32', fp32),
		int8: encode('int8', graph.build('int8', inputs, outputs)),
		...(calibration ? { int8Static: encode('int8-static', staticInt8(fp32, calibration)) } : {}),
		tables
	};
}
