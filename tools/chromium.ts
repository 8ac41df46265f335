/**
 * How this project starts Debian's Chromium (Playwright cannot download its own browsers here); shared by
 * the browser tests and the benchmark.
 */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless as root, with no background traffic (the machine's closed network refuses it). */
export const chromiumArgs = [
	'--no-sandbox',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-quic'
];

/** A WebGPU adapter without a GPU: SwiftShader's software Vulkan. */
export const webgpuArgs = [
	'--enable-unsafe-webgpu',
	'--enable-features=Vulkan',
	'--use-angle=swiftshader',
	'--use-webgpu-adapter=swiftshader'
];
