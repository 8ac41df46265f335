/**
 * Which ONNX file a variant loads on a backend. int8 on the CPU execution providers (WASM, native) is the
 * static int8 model when the card has one: integer convolutions, 1.3–1.6× faster than the weight-only
 * int8 on WASM (convert/static-int8.ts). WebGPU has no QLinearConv kernel, so it loads the weight-only int8.
 * Every reader of a model file asks here, so the download, the cache and the tags written into files agree.
 */
import type { Backend } from '$lib/model/session';
import type { ModelCard, ModelFile, Variant } from '$lib/card/types';

export function modelFile(card: Pick<ModelCard, 'files'>, variant: Variant, backend: Backend): ModelFile {
	if (variant === 'int8' && backend !== 'webgpu' && card.files.int8Static) return card.files.int8Static;
	return card.files[variant];
}
