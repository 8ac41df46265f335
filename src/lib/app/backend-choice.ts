/** The user's backend choice: `?backend=wasm|webgpu` in the URL wins, then the saved setting, then auto. */
import type { WorkerConfig } from '$lib/worker/protocol';

export type BackendChoice = WorkerConfig['backend'];
const key = 'music-tagger-backend';
const choices: BackendChoice[] = ['auto', 'webgpu', 'wasm'];
const valid = (value: string | null): value is BackendChoice => choices.includes(value as BackendChoice);

export function readBackendChoice(): BackendChoice {
	const fromUrl = new URLSearchParams(location.search).get('backend');
	if (valid(fromUrl)) return fromUrl;
	const saved = localStorage.getItem(key);
	return valid(saved) ? saved : 'auto';
}

export function saveBackendChoice(choice: BackendChoice): void {
	localStorage.setItem(key, choice);
}
