import { spinner } from '@clack/prompts';
import { terminalSafe } from './terminal-text.ts';

/**
 * Everything the CLI prints goes through here: results to stdout (a table, or JSON with
 * --json), messages and progress to stderr, so that `tessera … --json | jq` stays clean.
 */
export interface Output {
  json: boolean;
  /** Whether a person is watching (stderr is a terminal): spinners and prompts only then. */
  interactive: boolean;
  result(value: unknown, human: () => void): void;
  line(text?: string): void;
  table<Row>(rows: Row[], columns: Array<Column<Row>>, empty?: string): void;
  fields(pairs: Array<[label: string, value: string]>): void;
  info(text: string): void;
  success(text: string): void;
  warn(text: string): void;
  progress<T>(message: string, work: () => Promise<T>, done?: (result: T) => string): Promise<T>;
}

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
}

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
const width = (text: string) => text.replace(ANSI, '').length;

export function createOutput(options: {
  json: boolean;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  env?: NodeJS.ProcessEnv;
}): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const env = options.env ?? process.env;
  const interactive = Boolean(stderr.isTTY) && !env.CI;
  const color = Boolean(stdout.isTTY) && !env.NO_COLOR;
  const style = (code: string, text: string) => (color ? `${ESC}[${code}m${text}${ESC}[0m` : text);
  const errorColor = Boolean(stderr.isTTY) && !env.NO_COLOR;
  const errStyle = (code: string, text: string) => (errorColor ? `${ESC}[${code}m${text}${ESC}[0m` : text);

  return {
    json: options.json,
    interactive,

    result(value, human) {
      if (options.json) stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else human();
    },

    line(text = '') {
      stdout.write(`${terminalSafe(text, { keepLayout: true })}\n`);
    },

    table(rows, columns, empty = 'Nothing to show.') {
      if (rows.length === 0) {
        stderr.write(`${empty}\n`);
        return;
      }
      const cells = rows.map((row) => columns.map((column) => terminalSafe(column.value(row))));
      const widths = columns.map((column, i) =>
        Math.max(width(column.header), ...cells.map((line) => width(line[i] ?? ''))),
      );
      const render = (line: string[]) =>
        line
          .map((cell, i) =>
            i === line.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - width(cell)),
          )
          .join('  ')
          .trimEnd();
      stdout.write(`${style('1', render(columns.map((c) => c.header.toUpperCase())))}\n`);
      for (const line of cells) stdout.write(`${render(line)}\n`);
    },

    fields(pairs) {
      const labelWidth = Math.max(...pairs.map(([label]) => label.length));
      for (const [label, value] of pairs) {
        stdout.write(
          `${style('2', `${label}:`.padEnd(labelWidth + 1))} ${terminalSafe(value, { keepLayout: true })}\n`,
        );
      }
    },

    info(text) {
      stderr.write(`${terminalSafe(text, { keepLayout: true })}\n`);
    },
    success(text) {
      stderr.write(`${errStyle('32', '✓')} ${terminalSafe(text, { keepLayout: true })}\n`);
    },
    warn(text) {
      stderr.write(`${errStyle('33', '!')} ${terminalSafe(text, { keepLayout: true })}\n`);
    },

    async progress(message, work, done) {
      if (!interactive || options.json) return work();
      const spin = spinner({ output: stderr, withGuide: false });
      spin.start(message);
      try {
        const result = await work();
        spin.stop(done ? done(result) : message);
        return result;
      } catch (error) {
        spin.error(message);
        throw error;
      }
    },
  };
}

/** `2025-03-01 14:02` (UTC) or a dash; times in tables need no seconds. */
export function shortTime(value: string | null | undefined): string {
  if (!value) return '-';
  return `${value.slice(0, 10)} ${value.slice(11, 16)}`;
}

export function list(values: readonly string[] | null | undefined): string {
  return values && values.length > 0 ? values.join(',') : '-';
}
