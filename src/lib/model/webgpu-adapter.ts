/**
 * Which backend "auto" picks: WebGPU only on a real GPU. A software adapter (SwiftShader, Mesa's
 * llvmpipe/lavapipe, Windows' WARP) is correct but far slower than WASM — one 3-minute track took 72 s on
 * SwiftShader against about 3 s on WASM — so auto never picks it; the user can still force WebGPU.
 * Works in a worker and on the main thread (navigator.gpu exists in both).
 */

/** What the adapter says of itself (GPUAdapterInfo), as the app and the bench report it. */
export interface AdapterSummary {
	vendor: string;
	architecture: string;
	description: string;
	/** The browser's own flag for a fallback (software or otherwise limited) adapter. */
	isFallback: boolean;
}

interface AdapterLike {
	info?: Partial<Record<'vendor' | 'architecture' | 'device' | 'description', string>> & {
		isFallbackAdapter?: boolean;
	};
	isFallbackAdapter?: boolean;
}
interface GpuLike {
	requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<unknown>;
}

/** The default adapter's summary, or null when there is no WebGPU or no adapter. */
export async function probeWebGpu(
	gpu: GpuLike | undefined = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu
): Promise<AdapterSummary | null> {
	if (!gpu) return null;
	try {
		const adapter = (await gpu.requestAdapter({ powerPreference: 'high-performance' })) as AdapterLike | null;
		if (!adapter) return null;
		const info = adapter.info ?? {};
		return {
			vendor: info.vendor ?? '',
			architecture: info.architecture ?? '',
			description: info.description || info.device || '',
			isFallback: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false
		};
	} catch {
		return null;
	}
}

/** Names of the software rasterisers browsers expose as WebGPU adapters. */
const softwareNames = /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render|warp/i;

/** Why this adapter is not a GPU worth using, or undefined when it is one. */
export function softwareReason(adapter: AdapterSummary): string | undefined {
	const name = [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' ');
	if (softwareNames.test(name)) return `the WebGPU adapter is a software renderer (${name})`;
	if (adapter.isFallback) return `the WebGPU adapter is a fallback adapter${name ? ` (${name})` : ''}`;
	return undefined;
}

export interface BackendDecision {
	backend: 'webgpu' | 'wasm';
	/** One line for the user: why this backend runs. */
	reason: string;
}

/** The backend for a choice of 'auto', 'webgpu' or 'wasm', given the adapter found (or none). */
export function decideBackend(
	choice: 'auto' | 'webgpu' | 'wasm',
	adapter: AdapterSummary | null
): BackendDecision {
	if (choice === 'wasm') return { backend: 'wasm', reason: 'chosen in the settings' };
	if (choice === 'webgpu')
		return adapter
			? { backend: 'webgpu', reason: 'chosen in the settings' }
			: { backend: 'wasm', reason: 'WebGPU was chosen, but this browser offers no WebGPU adapter' };
	if (!adapter) return { backend: 'wasm', reason: 'no WebGPU adapter in this browser' };
	const software = softwareReason(adapter);
	return software
		? { backend: 'wasm', reason: `${software}, slower than WASM` }
		: { backend: 'webgpu', reason: `a GPU is available (${adapter.description || adapter.vendor})` };
}
