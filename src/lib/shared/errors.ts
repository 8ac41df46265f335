/** How failures read for users, everywhere (app, worker, CLI): small helpers every stage may use. */

/**
 * The message of a thrown value: its message, else its name (IndexedDB's DOMExceptions can come with an empty
 * message, which once showed as "could not be saved ()"), else its text.
 */
export function describeError(error: unknown): string {
	if (error instanceof Error || error instanceof DOMException)
		return error.message || error.name || 'unknown error';
	return String(error);
}

/** The browser refused a write for lack of storage (IndexedDB, Cache Storage). */
export function isQuotaError(error: unknown): boolean {
	return error instanceof DOMException && (error.name === 'QuotaExceededError' || error.code === 22);
}
