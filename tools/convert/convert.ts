/**
 * Checkpoint bytes → ONNX models (fp32 and int8) and, for torchaudio front ends, the checkpoint's own
 * window and mel filterbank. Pure: no file system access (tools/models/build.ts does the I/O).
 */
import { buildArchitecture, INPUT, OUTPUT, type Architecture } from './architectures';
import type { Precision } from './graph';
import { encodeModel, TensorDataType } from './onnx';
import { CheckpointError, readTorchCheckpoint } from './torch-checkpoint';
import { ConversionError, Weights } from './weights';

/** ONNX opset: 17 is supported by onnxruntime-web's WASM and WebGPU EPs (and has per-axis DequantizeLinear). */
export const OPSET = 17;
/** IR version that goes with opset 17. */
export const IR_VERSION = 8;

export interface ConversionSpec {
	id: string;
	architecture: Architecture;
	nMels: number;
	frames: number;
	nTags: number;
	/** Export the checkpoint's STFT window and mel filterbank (sota torchaudio front end). */
	frontendTables?: { nFft: number };
}

export interface FrontendTables {
	window: Float32Array;
	/** Row-major [nFft/2 + 1][nMels]. */
	filterbank: Float32Array;
	rows: number;
	cols: number;
}

export interface ConversionResult {
	fp32: Uint8Array;
	int8: Uint8Array;
	tables?: FrontendTables;
}

/** The model's I/O: dynamic batch, frames fixed to the chunk length the architecture was trained on. */
function io(spec: ConversionSpec) {
	return {
		inputs: [{ name: INPUT, elemType: TensorDataType.FLOAT, shape: ['batch', spec.nMels, spec.frames] }],
		outputs: [{ name: OUTPUT, elemType: TensorDataType.FLOAT, shape: ['batch', spec.nTags] }]
	};
}

export function convertCheckpoint(
	bytes: Uint8Array,
	spec: ConversionSpec,
	metadata: Record<string, string> = {}
): ConversionResult {
	let weights: Weights;
	try {
		weights = new Weights(readTorchCheckpoint(bytes), spec.id);
	} catch (error) {
		if (error instanceof CheckpointError || (error as Error).name === 'PickleError')
			throw new ConversionError(
				spec.id,
				undefined,
				`cannot read the checkpoint: ${(error as Error).message}`
			);
		throw error;
	}
	let tables: FrontendTables | undefined;
	if (spec.frontendTables) {
		const { nFft } = spec.frontendTables;
		const rows = nFft / 2 + 1;
		tables = {
			window: weights.get('spec.spectrogram.window', [nFft]),
			filterbank: weights.get('spec.mel_scale.fb', [rows, spec.nMels]),
			rows,
			cols: spec.nMels
		};
	}
	const graph = buildArchitecture(spec.architecture, weights, spec);
	weights.assertAllUsed();
	const { inputs, outputs } = io(spec);
	const encode = (precision: Precision) =>
		encodeModel({
			graph: graph.build(precision, inputs, outputs),
			opset: OPSET,
			irVersion: IR_VERSION,
			producerName: 'music-tagger tools/convert',
			producerVersion: '1',
			docString: `${spec.id} (${precision}): input ${INPUT} [batch, ${spec.nMels}, ${spec.frames}] log-mel dB; output ${OUTPUT} [batch, ${spec.nTags}] sigmoid`,
			metadata: { model: spec.id, precision, ...metadata }
		});
	return { fp32: encode('fp32'), int8: encode('int8'), tables };
}
