/**
 * Renders static/icons/icon.svg to the PNG sizes the web manifest lists (192, 512), with Debian's Chromium.
 * Run after changing the SVG: `npx tsx tools/render-icons.ts`.
 */
import { chromium } from 'playwright';
import { readFileSync } from 'node:fs';

const svg = readFileSync('static/icons/icon.svg', 'utf8');
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
	args: ['--no-sandbox']
});
for (const size of [192, 512]) {
	const page = await browser.newPage({ viewport: { width: size, height: size } });
	await page.setContent(
		`<body style="margin:0">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body>`
	);
	await page.screenshot({ path: `static/icons/icon-${size}.png`, omitBackground: true });
	await page.close();
}
await browser.close();
