import { type Catalogue, enUS } from './en-US.ts';
import { zhCN } from './zh-CN.ts';

export const LANGUAGES = ['en-US', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

export const CATALOGUES: Record<Language, Catalogue> = { 'en-US': enUS, 'zh-CN': zhCN };

/** Every dotted path that ends in a message, e.g. `tokens.list.title`. */
type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
export type MessageKey = Leaves<Catalogue>;

export type MessageValues = Record<string, string | number>;

/** Looks a key up and fills `{name}` placeholders; a missing key shows the key itself, never blank. */
export function translate(catalogue: Catalogue, key: MessageKey, values?: MessageValues): string {
  let node: unknown = catalogue;
  for (const part of key.split('.')) {
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  }
  if (typeof node !== 'string' || node === '') return key;
  if (!values) return node;
  return node.replace(/\{(\w+)\}/g, (match, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : match,
  );
}

/** The first supported language among the browser's preferences (any `zh*` → zh-CN), else en-US. */
export function pickLanguage(preferences: readonly string[]): Language {
  for (const preference of preferences) {
    const lower = preference.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en-US';
  }
  return 'en-US';
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** All leaf paths of a nested message object, for the completeness test. */
export function leafPaths(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null) return [prefix];
  return Object.entries(node).flatMap(([key, value]) => leafPaths(value, prefix ? `${prefix}.${key}` : key));
}

/** Whether a key built at run time (e.g. from an audit action) names a message. */
export function isMessageKey(key: string): key is MessageKey {
  let node: unknown = CATALOGUES['en-US'];
  for (const part of key.split('.')) {
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  }
  return typeof node === 'string';
}
