/** Dropping files on the page's drop zone, as a user drags them from a file manager. */
import type { Page } from '@playwright/test';

export interface DropFile {
	name: string;
	mimeType: string;
	buffer: Buffer;
}

export async function dropFiles(page: Page, files: DropFile[]): Promise<void> {
	const transfer = await page.evaluateHandle(
		(list) => {
			const data = new DataTransfer();
			for (const { name, type, bytes } of list)
				data.items.add(new File([Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0))], name, { type }));
			return data;
		},
		files.map((f) => ({ name: f.name, type: f.mimeType, bytes: f.buffer.toString('base64') }))
	);
	await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer: transfer });
}
