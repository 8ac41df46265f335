/**
 * What a queue item holds besides its view state: the file to tag and, while it runs, its abort controller.
 * Plain maps on purpose: nothing here is rendered.
 */
export class JobResources {
	#blobs = new Map<string, Blob>();
	#controllers = new Map<string, AbortController>();

	add(id: string, blob: Blob): void {
		this.#blobs.set(id, blob);
	}

	blob(id: string): Blob | undefined {
		return this.#blobs.get(id);
	}

	/** A fresh signal for the item's run. */
	start(id: string): AbortSignal {
		const controller = new AbortController();
		this.#controllers.set(id, controller);
		return controller.signal;
	}

	abort(id: string): void {
		this.#controllers.get(id)?.abort();
	}

	release(id: string): void {
		this.#controllers.delete(id);
		this.#blobs.delete(id);
	}
}
