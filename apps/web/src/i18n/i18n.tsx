import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import en from './en.json';
import zhCN from './zh-CN.json';
import { LANGUAGE_STORAGE_KEY, pickLanguage, translate, type Dictionary, type Language } from './translate.js';

const DICTIONARIES: Record<Language, Dictionary> = { 'zh-CN': zhCN, en };

export type Translate = (key: string, vars?: Readonly<Record<string, string | number>>) => string;

interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t: Translate;
}

const I18nContext = createContext<I18n | null>(null);

function readStoredLanguage(): string | null {
  try {
    return localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Holds the UI language (zh-CN by default), remembers a change in localStorage and sets `<html lang>`. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() => pickLanguage(readStoredLanguage()));
  const setLanguage = useCallback((next: Language) => {
    try {
      localStorage.setItem(LANGUAGE_STORAGE_KEY, next);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    document.documentElement.lang = next;
    setLanguageState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    document.documentElement.lang = language;
    const dictionary = DICTIONARIES[language];
    return { language, setLanguage, t: (key, vars) => translate(dictionary, key, vars) };
  }, [language, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The current language, its setter and `t(key, vars)`. */
export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('@tongli/web: useI18n outside <I18nProvider>');
  return i18n;
}
