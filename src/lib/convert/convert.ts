/**
 * Checkpoint bytes → ONNX models (fp32 and int8) and, for torchaudio front ends, the checkpoint's own
 * window and mel filterbank. Pure: no file system access (tools/models/build.ts does the I/O).
 */
import { architectureDef, type Architecture } from './architectures';
import type { Precision } from './graph';
import { AUDIO_INPUT, INPUT, OUTPUT, type GraphShape } from './layers';
import type { FrontendTables } from './tables';
import { encodeModel, TensorDataType } from './onnx';
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
	metadata: Record<string, string> = {}
): ConversionResult {
	return convertStateDict(readCheckpoint(bytes, spec.id), spec, metadata);
}

export function convertStateDict(
	stateDict: StateDict,
	spec: ConversionSpec,
	metadata: Record<string, string> = {}
): ConversionResult {
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
	const { inputs, outputs, doc } = io(spec);
	const encode = (precision: Precision) =>
		encodeModel({
			graph: graph.build(precision, inputs, outputs),
			opset: OPSET,
			irVersion: IR_VERSION,
			producerName: 'music-tagger src/lib/convert',
			producerVersion: '1',
			docString: `${spec.id} (${precision}): ${doc}`,
			metadata: { model: spec.id, precision, ...metadata }
		});
	return { fp32: encode('fp32'), int8: encode('int8'), tables };
}
