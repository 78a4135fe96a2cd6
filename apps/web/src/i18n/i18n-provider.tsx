import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import {
  CATALOGUES,
  isLanguage,
  type Language,
  type MessageKey,
  type MessageValues,
  pickLanguage,
  translate,
} from './translate.ts';

// The chosen language is a preference, not a secret, so it may live in localStorage.
const STORAGE_KEY = 'tessera.language';

function initialLanguage(): Language {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (isLanguage(stored)) return stored;
  } catch {
    // Storage can be unavailable (privacy modes); fall back to the browser's languages.
  }
  const preferences = navigator.languages?.length ? navigator.languages : [navigator.language];
  return pickLanguage(preferences);
}

export type Translate = (key: MessageKey, values?: MessageValues) => string;

interface I18nValue {
  language: Language;
  setLanguage: (language: Language) => void;
  t: Translate;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered across visits; the switch still applies now.
    }
  }, []);

  const value = useMemo<I18nValue>(() => {
    const catalogue = CATALOGUES[language];
    return { language, setLanguage, t: (key, values) => translate(catalogue, key, values) };
  }, [language, setLanguage]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useT must be used inside <I18nProvider>');
  return value;
}

export function useT(): Translate {
  return useI18n().t;
}

export function useLanguage(): [Language, (language: Language) => void] {
  const { language, setLanguage } = useI18n();
  return [language, setLanguage];
}
