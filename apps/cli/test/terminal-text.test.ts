import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { terminalSafe } from '../src/lib/terminal-text.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const LAYOUT_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const anyText = fc.string({ unit: 'binary', maxLength: 200 });
const printable = anyText.filter((text) => !UNSAFE.test(text));

describe('terminalSafe', () => {
  it('never lets a control or bidi character through', () => {
    fc.assert(fc.property(anyText, (text) => !UNSAFE.test(terminalSafe(text))));
  });

  it('keeps only newline and tab with keepLayout', () => {
    fc.assert(fc.property(anyText, (text) => !LAYOUT_UNSAFE.test(terminalSafe(text, { keepLayout: true }))));
  });

  it('passes printable text through unchanged', () => {
    fc.assert(fc.property(printable, (text) => terminalSafe(text) === text));
    expect(terminalSafe('naïve 中文 🎉 \u05e9\u05dc\u05d5\u05dd\u200f')).toBe(
      'naïve 中文 🎉 \u05e9\u05dc\u05d5\u05dd\u200f',
    );
  });

  it('shows an escape sequence and an override as visible escapes', () => {
    expect(terminalSafe('\u001b]8;;http://x\u0007hi\u001b[2J')).toBe(
      '\\u001b]8;;http://x\\u0007hi\\u001b[2J',
    );
    expect(terminalSafe('evil\u202etxt.exe')).toBe('evil\\u202etxt.exe');
    expect(terminalSafe('a\r\nb')).toBe('a\\u000d\\u000ab');
    expect(terminalSafe('a\r\nb\tc', { keepLayout: true })).toBe('a\\u000d\nb\tc');
  });
});
