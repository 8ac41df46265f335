/** Integrity of downloaded or cached model files. WebCrypto: the same code in browsers, workers and Node. */

export async function sha256Hex(bytes: BufferSource): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', bytes);
	return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export class IntegrityError extends Error {
	constructor(
		readonly file: string,
		readonly expected: string,
		readonly actual: string
	) {
		super(
			`${file} failed its integrity check (sha256 ${actual.slice(0, 12)}…, expected ${expected.slice(0, 12)}…); it was not run.`
		);
		this.name = 'IntegrityError';
	}
}

/** Throws IntegrityError unless `bytes` hash to `expected`. */
export async function verifySha256(bytes: BufferSource, expected: string, file: string): Promise<void> {
	const actual = await sha256Hex(bytes);
	if (actual !== expected) throw new IntegrityError(file, expected, actual);
}
