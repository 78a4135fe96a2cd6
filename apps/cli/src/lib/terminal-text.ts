/**
 * Strings from the server are another user's text: printed raw, an ESC/OSC sequence could
 * rewrite the terminal (a fake error, a hidden command) and a bidi override could reorder
 * what is read. Every such character becomes a visible `\uXXXX` escape. Newline and tab are
 * kept where multi-line text is expected (`keepLayout`). `--json` output is never passed here.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const visibleEscape = (char: string) => `\\u${char.codePointAt(0)!.toString(16).padStart(4, '0')}`;

export function terminalSafe(text: string, options: { keepLayout?: boolean } = {}): string {
  return text.replace(UNSAFE, (char) =>
    options.keepLayout && (char === '\n' || char === '\t') ? char : visibleEscape(char),
  );
}
