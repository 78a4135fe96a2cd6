import { readFileSync } from 'node:fs';
import { TesseraApiError } from '@tessera/client';
import { describe, expect, it } from 'vitest';
import { AuthError, CliError, EXIT, fromApiError, PROBLEM_EXPLANATIONS } from '../src/lib/errors.ts';

const apiError = (init: Partial<ConstructorParameters<typeof TesseraApiError>[0]> & { code: string }) =>
  new TesseraApiError({ status: 400, detail: 'The server said no.', ...init });

describe('fromApiError', () => {
  // tsc refuses a missing entry against the generated client; this reads openapi.json itself,
  // so a client left ungenerated after the server gained a code fails too.
  it('has an explanation for every error code the API publishes, and none for codes it does not', () => {
    const published: string[] = JSON.parse(
      readFileSync(new URL('../../../openapi.json', import.meta.url), 'utf8'),
    ).components.schemas.ProblemCode.enum;
    expect(published).toContain('not_found');
    expect(Object.keys(PROBLEM_EXPLANATIONS).sort()).toEqual([...published].sort());
  });

  it('sends a refused credential to log in again (exit 4)', () => {
    for (const code of ['unauthenticated', 'invalid_token']) {
      const error = fromApiError(apiError({ status: 401, code }), { credential: 'stored-token' });
      expect(error).toBeInstanceOf(AuthError);
      expect(error.exitCode).toBe(EXIT.auth);
      expect(error.hint).toMatch(/stored token was refused/);
    }
  });

  it('names the missing scope from the challenge', () => {
    const error = fromApiError(
      apiError({ status: 403, code: 'insufficient_scope', challenge: 'Bearer scope="agents:write"' }),
      { credential: 'env' },
    );
    expect(error.hint).toBe(
      'Set TESSERA_TOKEN to a token with the "agents:write" scope, or log in interactively with `tessera login`.',
    );
  });

  it('gives not_found, rate_limited and network_not_allowed their hints', () => {
    expect(fromApiError(apiError({ status: 404, code: 'not_found' })).hint).toMatch(/Check the id/);
    expect(fromApiError(apiError({ status: 429, code: 'rate_limited', retryAfter: 7 })).hint).toBe(
      'Try again in 7 s.',
    );
    expect(fromApiError(apiError({ status: 403, code: 'network_not_allowed' })).hint).toMatch(
      /allowed CIDRs/,
    );
  });

  it('says the rest plainly, with the field errors, and a request id for server failures', () => {
    const invalid = fromApiError(
      apiError({ code: 'invalid_request', errors: [{ path: 'body.name', message: 'is too long' }] }),
    );
    expect(invalid).toBeInstanceOf(CliError);
    expect(invalid.exitCode).toBe(EXIT.error);
    expect(invalid.message).toBe('The server said no.\n  body.name: is too long');
    expect(invalid.hint).toBeUndefined();
    const failed = fromApiError(apiError({ status: 503, code: 'service_unavailable', requestId: 'req-1' }));
    expect(failed.hint).toBe('The server failed; quote request id req-1 to its operator.');
  });

  it('explains an OAuth invalid_scope as a usage error, and an unknown code plainly', () => {
    const scope = fromApiError(apiError({ code: 'invalid_scope' }));
    expect(scope.exitCode).toBe(EXIT.usage);
    expect(scope.hint).toMatch(/^Scopes: /);
    const unknown = fromApiError(apiError({ code: 'from_a_newer_server' }));
    expect(unknown.exitCode).toBe(EXIT.error);
    expect(unknown.hint).toBeUndefined();
    // A name inherited from Object.prototype is not a code of the list.
    expect(fromApiError(apiError({ code: 'constructor' })).hint).toBeUndefined();
  });
});
