import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath as executablePath, webgpuArgs } from './tools/chromium';

export default defineConfig({
	testDir: 'tests/e2e',
	timeout: 240_000,
	expect: { timeout: 60_000 },
	fullyParallel: false,
	workers: 1,
	retries: 0,
	reporter: [['list']],
	webServer: {
		command: 'npx vite preview --port 4173 --strictPort',
		port: 4173,
		reuseExistingServer: !process.env.CI
	},
	use: {
		baseURL: 'http://localhost:4173/',
		launchOptions: {
			executablePath,
			args: chromiumArgs
		}
	},
	projects: [
		{ name: 'wasm', use: {} },
		{
			// Backend parity only: the app's other behaviour does not depend on the backend, and WebGPU on
			// SwiftShader (no GPU here) is slow.
			name: 'webgpu',
			testMatch: /(parity|backend)\.spec\.ts/,
			use: {
				launchOptions: {
					executablePath,
					args: [...chromiumArgs, ...webgpuArgs]
				}
			}
		}
	]
});
