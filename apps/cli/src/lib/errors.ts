import { isTesseraApiError, type TesseraApiError } from '@tessera/client';

/** The exit codes scripts can rely on (documented in the README, "Command line"). */
export const EXIT = { ok: 0, error: 1, usage: 2, auth: 4 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI explains itself: a message, an optional hint, an exit code. Never a stack. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;

  constructor(message: string, options: { exitCode?: ExitCode; hint?: string | undefined } = {}) {
    super(message);
    this.exitCode = options.exitCode ?? EXIT.error;
    this.hint = options.hint;
  }
}

export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: EXIT.usage, hint });
  }
}

export class AuthError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: EXIT.auth, hint });
  }
}

const LOGIN_HINT = 'Run `tessera login`, or set TESSERA_TOKEN to a valid token.';

function scopeFromChallenge(challenge: string | undefined): string | undefined {
  return challenge ? /scope="([^"]+)"/.exec(challenge)?.[1] : undefined;
}

/** What to tell the user about a failed API call. */
export function fromApiError(error: TesseraApiError): CliError {
  const fields = error.errors.map((field) => `  ${field.path}: ${field.message}`).join('\n');
  const detail = fields ? `${error.detail}\n${fields}` : error.detail;
  switch (error.code) {
    case 'unauthenticated':
    case 'invalid_token':
      return new AuthError(detail, LOGIN_HINT);
    case 'interactive_credential_required':
      return new AuthError(
        detail,
        'Personal access tokens cannot manage tokens or other account settings: run `tessera login` ' +
          '(device flow or --web) and unset TESSERA_TOKEN.',
      );
    case 'insufficient_scope': {
      const scope = scopeFromChallenge(error.challenge);
      if (scope === 'account') {
        return new AuthError(
          detail,
          'This login was made without the "account" scope, so it cannot manage tokens or other account ' +
            'settings: run `tessera login` again without --scope (or with --scope account,…).',
        );
      }
      return new AuthError(
        detail,
        scope
          ? `Use a token with the "${scope}" scope, or log in interactively with \`tessera login\`.`
          : 'Use a token with more scopes, or log in interactively with `tessera login`.',
      );
    }
    case 'not_found':
      return new CliError(detail, {
        hint: 'Check the id; objects of other users are reported as not found.',
      });
    case 'rate_limited':
      return new CliError(detail, {
        hint: error.retryAfter ? `Try again in ${error.retryAfter} s.` : 'Try again later.',
      });
    case 'invalid_scope':
      return new UsageError(
        detail,
        'Scopes: account, agents:read, agents:write, repos:read, repos:write, tasks:read, tasks:write, profile:read.',
      );
    default:
      if (error.status >= 500) {
        return new CliError(detail, {
          hint: error.requestId
            ? `The server failed; quote request id ${error.requestId} to its operator.`
            : 'The server failed; try again later.',
        });
      }
      return new CliError(detail);
  }
}

/** Any thrown value → the CliError to print. Unknown failures keep their message, never a stack. */
export function toCliError(error: unknown, server?: string): CliError {
  if (error instanceof CliError) return error;
  if (isTesseraApiError(error)) return fromApiError(error);
  // fetch() rejects with a TypeError whose cause says what went wrong (ECONNREFUSED, ENOTFOUND, …).
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return new CliError(
      `Could not reach ${server ?? 'the server'}${cause?.code ? ` (${cause.code})` : ''}.`,
      {
        hint: 'Check --server or TESSERA_URL, and that the server is running.',
      },
    );
  }
  return new CliError(error instanceof Error ? error.message : String(error));
}
