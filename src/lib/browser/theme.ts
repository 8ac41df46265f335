/** Light/dark: follows prefers-color-scheme unless the user picks one; the choice is saved. */
export type ThemeChoice = 'system' | 'light' | 'dark';
const key = 'music-tagger-theme';

export function readTheme(): ThemeChoice {
	const saved = localStorage.getItem(key);
	return saved === 'light' || saved === 'dark' ? saved : 'system';
}

export function applyTheme(choice: ThemeChoice): void {
	if (choice === 'system') {
		delete document.documentElement.dataset.theme;
		localStorage.removeItem(key);
	} else {
		document.documentElement.dataset.theme = choice;
		localStorage.setItem(key, choice);
	}
}

export const nextTheme = (choice: ThemeChoice): ThemeChoice =>
	choice === 'system' ? 'dark' : choice === 'dark' ? 'light' : 'system';
