/** Saves text as a file through a temporary object URL (nothing leaves the machine). */
export function saveTextFile(name: string, text: string, type: string): void {
	saveBlobFile(name, new Blob([text], { type }));
}

/** Saves a blob as a file through a temporary object URL (nothing leaves the machine). */
export function saveBlobFile(name: string, blob: Blob): void {
	const url = URL.createObjectURL(blob);
	const a = Object.assign(document.createElement('a'), { href: url, download: name });
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
