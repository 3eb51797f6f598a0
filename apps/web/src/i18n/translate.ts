/** A flat dictionary: key → text with `{name}` placeholders. */
export type Dictionary = Readonly<Record<string, string>>;

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Where the chosen language is remembered in the browser. */
export const LANGUAGE_STORAGE_KEY = 'tongli.language';

/**
 * Looks a key up and fills its placeholders; a missing key falls back to the key itself so a gap is visible.
 * @example
 * translate({ 'inbox.count': '共 {total} 个' }, 'inbox.count', { total: 3 }); // '共 3 个'
 */
export function translate(dictionary: Dictionary, key: string, vars?: Readonly<Record<string, string | number>>): string {
  const text = dictionary[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The language to start with: the remembered choice, else zh-CN (the product's default, whatever the browser says). */
export function pickLanguage(stored: string | null): Language {
  return stored === 'en' ? 'en' : 'zh-CN';
}
