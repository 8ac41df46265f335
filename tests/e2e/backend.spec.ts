/**
 * "Auto" never runs on a software WebGPU adapter: with the WebGPU project's flags Chromium offers SwiftShader,
 * which is correct but ~20× slower than WASM, so the app must run on WASM and say why; forcing WebGPU still works.
 */
import { expect, test } from '@playwright/test';
import { backendOf } from './helpers/app';

test('automatic backend choice skips a software WebGPU adapter and says why', async ({ page }, info) => {
	await page.goto('/?backend=auto');
	await expect(page.locator('body[data-ready=true]')).toBeAttached();
	const adapter = await page.evaluate(async () => {
		type Info = { vendor: string; architecture: string; description: string };
		const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info: Info } | null> } }).gpu;
		const found = await gpu?.requestAdapter();
		return found ? `${found.info.vendor} ${found.info.architecture} ${found.info.description}` : null;
	});
	const backend = page.getByTestId('backend');
	if (backendOf(info) === 'webgpu') expect(adapter).toMatch(/swiftshader/i);
	await expect(backend).toContainText('WASM');
	await expect(page.getByTestId('backend-reason')).toContainText(
		adapter ? 'the WebGPU adapter is a software renderer' : 'no WebGPU adapter in this browser'
	);
	if (adapter) {
		await page.goto('/?backend=webgpu');
		await expect(page.locator('body[data-ready=true]')).toBeAttached();
		await expect(backend).toContainText('WebGPU');
		await expect(page.getByTestId('backend-reason')).toContainText('chosen in the settings');
	}
});
