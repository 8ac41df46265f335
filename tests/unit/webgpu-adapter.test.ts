import { describe, expect, it } from 'vitest';
import {
	decideBackend,
	probeWebGpu,
	softwareReason,
	type AdapterSummary
} from '../../src/lib/model/webgpu-adapter';

// GPUAdapterInfo as browsers report it (Chromium 156 headless with --use-webgpu-adapter=swiftshader; Mesa's
// lavapipe through Dawn's Vulkan backend; a discrete and an integrated GPU).
const swiftshader: AdapterSummary = {
	vendor: 'google',
	architecture: 'swiftshader',
	description: 'SwiftShader Device (Subzero)',
	isFallback: false
};
const lavapipe: AdapterSummary = {
	vendor: 'mesa',
	architecture: '',
	description: 'llvmpipe (LLVM 15.0.6, 256 bits)',
	isFallback: false
};
const nvidia: AdapterSummary = {
	vendor: 'nvidia',
	architecture: 'hopper',
	description: 'NVIDIA H200',
	isFallback: false
};
const intel: AdapterSummary = {
	vendor: 'intel',
	architecture: 'gen-12lp',
	description: '',
	isFallback: false
};

describe('automatic backend choice', () => {
	it('never picks a software adapter, and says why', () => {
		for (const adapter of [swiftshader, lavapipe, { ...intel, isFallback: true }]) {
			const decision = decideBackend('auto', adapter);
			expect(decision.backend).toBe('wasm');
			expect(decision.reason).toMatch(/software renderer|fallback adapter/);
		}
		expect(softwareReason(swiftshader)).toContain('swiftshader');
	});

	it('picks WebGPU on a real GPU', () => {
		expect(decideBackend('auto', nvidia)).toEqual({
			backend: 'webgpu',
			reason: 'a GPU is available (NVIDIA H200)'
		});
		expect(decideBackend('auto', intel).backend).toBe('webgpu');
		expect(softwareReason(intel)).toBeUndefined();
	});

	it('lets the user force either backend; WASM without any adapter', () => {
		expect(decideBackend('webgpu', swiftshader).backend).toBe('webgpu');
		expect(decideBackend('wasm', nvidia).backend).toBe('wasm');
		expect(decideBackend('auto', null)).toEqual({
			backend: 'wasm',
			reason: 'no WebGPU adapter in this browser'
		});
		expect(decideBackend('webgpu', null).backend).toBe('wasm');
	});

	it('reads the adapter info and survives a browser without WebGPU or with a failing request', async () => {
		const adapter = { info: { vendor: 'google', architecture: 'swiftshader', description: '' } };
		expect(await probeWebGpu({ requestAdapter: async () => adapter })).toEqual({
			vendor: 'google',
			architecture: 'swiftshader',
			description: '',
			isFallback: false
		});
		expect(await probeWebGpu(undefined)).toBeNull();
		expect(await probeWebGpu({ requestAdapter: async () => null })).toBeNull();
		expect(
			await probeWebGpu({
				requestAdapter: () => Promise.reject(new Error('blocked'))
			})
		).toBeNull();
	});
});
