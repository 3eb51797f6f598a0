/**
 * Component-test helpers for jsdom: the browser APIs Ant Design and the virtual inbox expect (matchMedia,
 * ResizeObserver, element sizes), cleanup after each test, and `renderInLanguage` to render inside the i18n provider.
 * Import it first in a `// @vitest-environment jsdom` test file.
 */
import { cleanup, render, type RenderResult } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach } from 'vitest';
import { I18nProvider } from '../i18n/i18n.js';
import { LANGUAGE_STORAGE_KEY, type Language } from '../i18n/translate.js';

if (!window.matchMedia) {
  window.matchMedia = (query: string): MediaQueryList => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => undefined,
    removeListener: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => false,
  });
}

if (!window.ResizeObserver) {
  window.ResizeObserver = class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };
}

afterEach(() => {
  cleanup();
  localStorage.clear();
});

/**
 * Renders a component inside `<I18nProvider>` in the given UI language (zh-CN by default, as in the app).
 * @example
 * const { container } = renderInLanguage(<EmotionBadge emotion="anger" intensity={0.8} />, 'en');
 */
export function renderInLanguage(ui: ReactElement, language: Language = 'zh-CN'): RenderResult {
  localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  return render(<I18nProvider>{ui}</I18nProvider>);
}

/**
 * Gives every element a layout size (jsdom lays nothing out), so virtualised lists render the rows that would be on
 * a screen of `height` pixels. Returns a function that restores jsdom's zero sizes.
 * @example
 * const restore = stubElementSize(320, 600);
 */
export function stubElementSize(width: number, height: number): () => void {
  const proto = Element.prototype;
  const saved = ['clientWidth', 'clientHeight'].map((key) => [key, Object.getOwnPropertyDescriptor(proto, key)] as const);
  Object.defineProperty(proto, 'clientWidth', { configurable: true, get: () => width });
  Object.defineProperty(proto, 'clientHeight', { configurable: true, get: () => height });
  return () => {
    for (const [key, descriptor] of saved) if (descriptor) Object.defineProperty(proto, key, descriptor);
  };
}
