import { Type } from 'typebox';

/**
 * Free text one user types and another user reads (names, titles, descriptions) must not carry
 * terminal escapes or reorder what is shown (ADR 0015): C0/C1 control characters, U+2028/U+2029
 * and the bidirectional overrides and isolates are refused. The direction marks U+200E, U+200F and
 * U+061C stay allowed: right-to-left text needs them and they cannot hide anything.
 * Expressed as a plain `pattern`, so that Ajv enforces it and OpenAPI documents it.
 */
const BIDI_AND_SEPARATORS = '\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069';
const SINGLE_LINE_FORBIDDEN = `\\u0000-\\u001f\\u007f-\\u009f${BIDI_AND_SEPARATORS}`;
// Newline and tab are the two controls multi-line text legitimately holds.
const MULTILINE_FORBIDDEN = `\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f${BIDI_AND_SEPARATORS}`;

/** Single-line text with at least one visible character. */
// No lookahead, so that generators such as fast-check's stringMatching can produce examples.
export const SAFE_TEXT_PATTERN = `^[^${SINGLE_LINE_FORBIDDEN}]*[^\\s${SINGLE_LINE_FORBIDDEN}][^${SINGLE_LINE_FORBIDDEN}]*$`;
/** Multi-line text (newline and tab allowed); may be empty or blank. */
export const SAFE_MULTILINE_TEXT_PATTERN = `^[^${MULTILINE_FORBIDDEN}]*$`;

export const SAFE_TEXT_MESSAGE = 'must not be blank or contain control characters or bidirectional overrides';
export const SAFE_MULTILINE_TEXT_MESSAGE = 'must not contain control characters or bidirectional overrides';

/** The readable message for a failed safe-text pattern, or undefined for any other pattern. */
export function safeTextMessage(pattern: unknown): string | undefined {
  if (pattern === SAFE_TEXT_PATTERN) return SAFE_TEXT_MESSAGE;
  if (pattern === SAFE_MULTILINE_TEXT_PATTERN) return SAFE_MULTILINE_TEXT_MESSAGE;
  return undefined;
}

interface TextOptions {
  minLength?: number;
  maxLength: number;
  description?: string;
}

/** A user-chosen single-line label: not blank, no control or bidi-override characters. */
export function SafeText(options: TextOptions) {
  const rule = 'not blank; no control characters or bidirectional overrides';
  return Type.String({
    minLength: options.minLength ?? 1,
    maxLength: options.maxLength,
    pattern: SAFE_TEXT_PATTERN,
    description: options.description ? `${options.description} (${rule})` : rule,
  });
}

/** User-written long text: newlines and tabs allowed, other control and bidi-override characters not. */
export function SafeMultilineText(options: TextOptions) {
  const rule = 'newlines and tabs allowed; no other control characters or bidirectional overrides';
  return Type.String({
    ...(options.minLength === undefined ? {} : { minLength: options.minLength }),
    maxLength: options.maxLength,
    pattern: SAFE_MULTILINE_TEXT_PATTERN,
    description: options.description ? `${options.description} (${rule})` : rule,
  });
}
