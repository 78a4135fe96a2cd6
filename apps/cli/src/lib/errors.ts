import { isTesseraApiError, type ProblemCode, type TesseraApiError } from '@tessera/client';
import { LOGIN_SCOPES } from './vocabulary.ts';

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

/**
 * What a hint may say about where the command stands. Hints name the server (`tessera login
 * --server <url>`), and mention TESSERA_TOKEN only where setting or unsetting it can help: never
 * for commands that need an interactive login, since a PAT there is refused whatever it holds.
 */
export interface HintContext {
  /** The resolved server (after --server, TESSERA_URL and the last login). */
  server?: string | undefined;
  /** The command needs an interactive login (token management, provider accounts, …). */
  interactiveOnly?: boolean | undefined;
  /** Where the command's credential came from: TESSERA_TOKEN, a stored token, a stored login. */
  credential?: 'env' | 'stored-token' | 'stored-login' | undefined;
}

/** `tessera login --server <url>` when the server is known. */
export function loginCommandFor(context: HintContext = {}): string {
  return context.server ? `tessera login --server ${context.server}` : 'tessera login';
}

/** What to say when there is no usable credential at all. */
export function notLoggedInHint(context: HintContext = {}): string {
  const login = `Run \`${loginCommandFor(context)}\``;
  const signup = `no account yet? \`${loginCommandFor(context).replace('tessera login', 'tessera signup')}\``;
  if (context.interactiveOnly) return `${login} (device flow or --web; ${signup}).`;
  return `${login}, or set TESSERA_TOKEN to a personal access token (${signup}).`;
}

function refusedCredentialHint(context: HintContext): string {
  const login = `\`${loginCommandFor(context)}\``;
  if (context.credential === 'env') {
    return context.interactiveOnly
      ? `The token in TESSERA_TOKEN was refused, and this command needs an interactive login anyway: unset TESSERA_TOKEN and run ${login}.`
      : `The token in TESSERA_TOKEN was refused (revoked, expired or mistyped): set it to a valid token, or unset it and run ${login}.`;
  }
  if (context.credential === 'stored-token') {
    return `The stored token was refused (revoked or expired): run ${login} again${
      context.interactiveOnly ? '' : ', or set TESSERA_TOKEN to a valid token'
    }.`;
  }
  return notLoggedInHint(context);
}

function interactiveRequiredHint(context: HintContext): string {
  const login = `\`${loginCommandFor(context)}\` (device flow or --web)`;
  if (context.credential === 'env') {
    return `TESSERA_TOKEN holds a token that cannot manage tokens or other account settings: unset it and run ${login}.`;
  }
  return `Personal access tokens cannot manage tokens or other account settings: run ${login}.`;
}

function scopeFromChallenge(challenge: string | undefined): string | undefined {
  return challenge ? /scope="([^"]+)"/.exec(challenge)?.[1] : undefined;
}

/** Turns a failed call, its detail (with field errors) and where the command stands into what to print. */
type Explain = (detail: string, error: TesseraApiError, context: HintContext) => CliError;

/** No hint of its own: the server's detail, and for a server failure the request id to quote. */
const plainly: Explain = (detail, error) => {
  if (error.status < 500) return new CliError(detail);
  return new CliError(detail, {
    hint: error.requestId
      ? `The server failed; quote request id ${error.requestId} to its operator.`
      : 'The server failed; try again later.',
  });
};

const refusedCredential: Explain = (detail, _error, context) =>
  new AuthError(detail, refusedCredentialHint(context));

const missingScope: Explain = (detail, error, context) => {
  const scope = scopeFromChallenge(error.challenge);
  const login = `\`${loginCommandFor(context)}\``;
  if (scope === 'account') {
    return new AuthError(
      detail,
      'This login was made without the "account" scope, so it cannot manage tokens or other account ' +
        `settings: run ${login} again without --scope (or with --scope account,…).`,
    );
  }
  const holder = context.credential === 'env' ? 'Set TESSERA_TOKEN to a token' : 'Use a token';
  return new AuthError(
    detail,
    scope
      ? `${holder} with the "${scope}" scope, or log in interactively with ${login}.`
      : `${holder} with more scopes, or log in interactively with ${login}.`,
  );
};

/**
 * What the CLI says for each code a problem+json answer can carry: one entry per code of the
 * server's closed list, so a new code fails `tsc` here until someone decides what to say.
 */
export const PROBLEM_EXPLANATIONS = {
  unauthenticated: refusedCredential,
  invalid_token: refusedCredential,
  invalid_credentials: plainly,
  interactive_credential_required: (detail, _error, context) =>
    new AuthError(detail, interactiveRequiredHint(context)),
  insufficient_scope: missingScope,
  csrf_rejected: plainly,
  network_not_allowed: (detail) =>
    new CliError(detail, {
      hint: 'The token is restricted to some networks (its allowed CIDRs): use it from one of them, or change the restriction from an interactive login.',
    }),
  forbidden: plainly,
  not_found: (detail) =>
    new CliError(detail, { hint: 'Check the id; objects of other users are reported as not found.' }),
  method_not_allowed: plainly,
  not_acceptable: plainly,
  invalid_request: plainly,
  invalid_json: plainly,
  unsupported_media_type: plainly,
  payload_too_large: plainly,
  storage_quota_exceeded: plainly,
  conflict: plainly,
  policy_violation: plainly,
  rate_limited: (detail, error) =>
    new CliError(detail, {
      hint: error.retryAfter ? `Try again in ${error.retryAfter} s.` : 'Try again later.',
    }),
  service_unavailable: plainly,
  insufficient_storage: plainly,
  bad_gateway: plainly,
  internal_error: plainly,
} as const satisfies Record<ProblemCode, Explain>;

/** RFC 6749 errors of the OAuth endpoints with a hint of their own; the others are said plainly. */
const OAUTH_EXPLANATIONS: Readonly<Record<string, Explain>> = {
  invalid_scope: (detail) => new UsageError(detail, `Scopes: ${LOGIN_SCOPES.join(', ')}.`),
};

function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEM_EXPLANATIONS, code);
}

/** What to tell the user about a failed API call. */
export function fromApiError(error: TesseraApiError, context: HintContext = {}): CliError {
  const fields = error.errors.map((field) => `  ${field.path}: ${field.message}`).join('\n');
  const detail = fields ? `${error.detail}\n${fields}` : error.detail;
  const explain: Explain = isProblemCode(error.code)
    ? PROBLEM_EXPLANATIONS[error.code]
    : Object.hasOwn(OAUTH_EXPLANATIONS, error.code)
      ? OAUTH_EXPLANATIONS[error.code]!
      : plainly;
  return explain(detail, error, context);
}

/** Any thrown value → the CliError to print. Unknown failures keep their message, never a stack. */
export function toCliError(error: unknown, context: HintContext = {}): CliError {
  if (error instanceof CliError) return error;
  if (isTesseraApiError(error)) return fromApiError(error, context);
  // fetch() rejects with a TypeError whose cause says what went wrong (ECONNREFUSED, ENOTFOUND, …).
  if (error instanceof TypeError && error.message === 'fetch failed') {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return new CliError(
      `Could not reach ${context.server ?? 'the server'}${cause?.code ? ` (${cause.code})` : ''}.`,
      {
        hint: 'Check --server or TESSERA_URL, and that the server is running.',
      },
    );
  }
  return new CliError(error instanceof Error ? error.message : String(error));
}
