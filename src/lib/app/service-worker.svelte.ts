/**
 * Registers src/service-worker.ts and tracks updates. When the page is not cross-origin isolated but a service
 * worker controls it, one reload lets the worker's COOP/COEP headers apply (coi-serviceworker's trick).
 */
import { dev } from '$app/environment';
import { serviceWorkerUrl } from '$lib/browser/site-urls';

const reloadedKey = 'music-tagger-coi-reload';

/** How long to wait for the worker to take control before giving up on isolation (run single-threaded). */
const isolationTimeoutMs = 15_000;

class ServiceWorkerState {
	/** A new version is installed and waiting. */
	updateReady = $state(false);
	/**
	 * The page will reload once to become cross-origin isolated: files must not be accepted until then, or the
	 * reload would drop them (first visit on a static host).
	 */
	isolating = $state(false);
	#waiting: ServiceWorker | null = null;

	async register(): Promise<void> {
		if (!('serviceWorker' in navigator)) return;
		this.isolating = !crossOriginIsolated && !sessionStorage.getItem(reloadedKey);
		if (this.isolating) setTimeout(() => (this.isolating = false), isolationTimeoutMs);
		let registration: ServiceWorkerRegistration;
		try {
			registration = await navigator.serviceWorker.register(serviceWorkerUrl(), {
				type: dev ? 'module' : 'classic'
			});
		} catch (error) {
			this.isolating = false;
			throw error;
		}
		this.#watch(registration);
		navigator.serviceWorker.addEventListener('controllerchange', () => {
			// An accepted update reloads into the new version; a first install only needs isolating.
			if (this.#waiting) location.reload();
			else this.#isolateOnce();
		});
		this.#isolateOnce();
	}

	#watch(registration: ServiceWorkerRegistration): void {
		const waiting = () => {
			if (registration.waiting && navigator.serviceWorker.controller) {
				this.#waiting = registration.waiting;
				this.updateReady = true;
			}
		};
		// An update may already be installing when the page registers (the browser checks on navigation).
		const follow = () => registration.installing?.addEventListener('statechange', waiting);
		waiting();
		follow();
		registration.addEventListener('updatefound', follow);
	}

	#isolateOnce(): void {
		if (crossOriginIsolated || !navigator.serviceWorker.controller) return;
		if (sessionStorage.getItem(reloadedKey)) {
			this.isolating = false; // the host or browser refuses; run single-threaded
			return;
		}
		sessionStorage.setItem(reloadedKey, '1');
		location.reload();
	}

	applyUpdate(): void {
		this.#waiting?.postMessage({ type: 'SKIP_WAITING' });
	}
}

export const serviceWorker = new ServiceWorkerState();
