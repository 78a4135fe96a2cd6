import { confirm, isCancel } from '@clack/prompts';
import { type Command, InvalidArgumentError } from 'commander';
import { type Cli, createCli } from './context.ts';
import { CliError, toCliError, UsageError } from './errors.ts';

/**
 * Wraps a command's action: builds the Cli from the global options and passes it first,
 * then commander's positional arguments and the command's own options.
 */
// biome-ignore lint/suspicious/noExplicitAny: commander passes positional arguments untyped
export function run<Args extends any[]>(handler: (cli: Cli, ...args: Args) => Promise<void>) {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const cli = await createCli(command);
    try {
      await handler(cli, ...(args.slice(0, -1) as Args));
    } catch (error) {
      // Explained here, where the hint can name the server and the credential in use.
      throw toCliError(error, cli.hintContext());
    }
  };
}

/** Whether the user can be asked something (both ends are a terminal). */
export function canPrompt(cli: Cli): boolean {
  return cli.out.interactive && Boolean(process.stdin.isTTY) && !cli.out.json;
}

/**
 * Asks before something that cannot be undone. Without a terminal `--yes` is required, so that a
 * script never destroys by accident.
 */
export async function confirmOrRequireYes(
  cli: Cli,
  yes: boolean | undefined,
  question: string,
): Promise<void> {
  if (yes) return;
  if (!canPrompt(cli))
    throw new UsageError(`${question} Pass --yes to confirm when not running interactively.`);
  const answer = await confirm({ message: question, output: process.stderr });
  if (isCancel(answer) || !answer) throw new CliError('Cancelled.');
}

/** Reads all of standard input (for --with-token). */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new UsageError(
      '--with-token reads the token from standard input.',
      'e.g. `tessera login --with-token < token.txt`',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** A positive whole number option. */
export function parsePositiveInteger(name: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < 1)
      throw new InvalidArgumentError(`${name} must be a positive whole number.`);
    return number;
  };
}

/** Accepts repeated and comma-separated values: `--scope a --scope b,c`. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ];
}

/**
 * A duration in whole minutes: `90`, `90m`, `2h` or `1h30m` (a bare number is minutes, as the
 * API counts them).
 */
export function parseDurationMinutes(name: string) {
  return (value: string): number => {
    const match = /^(?:(\d+)h)?(?:(\d+)m?)?$/.exec(value.trim());
    const minutes = match ? Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0) : Number.NaN;
    if (!match || !value.trim() || !(minutes >= 1))
      throw new InvalidArgumentError(`${name} must be a duration such as 30, 45m, 2h or 1h30m.`);
    return minutes;
  };
}
