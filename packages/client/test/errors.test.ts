import { describe, expect, it } from 'vitest';
import { TesseraApiError, toTesseraApiError, unwrap } from '../src/index.ts';

const response = (status: number, headers: Record<string, string> = {}) =>
  new Response(null, { status, headers });

describe('toTesseraApiError', () => {
  it('reads problem details: code, detail, field errors, request id, challenge', () => {
    const error = toTesseraApiError(
      response(403, {
        'www-authenticate': 'Bearer realm="tessera", error="insufficient_scope", scope="agents:write"',
      }),
      {
        type: 'https://tessera.dev/problems/insufficient-scope',
        title: 'Insufficient scope',
        status: 403,
        detail: 'This request needs the "agents:write" scope.',
        code: 'insufficient_scope',
      },
    );
    expect(error).toBeInstanceOf(TesseraApiError);
    expect(error).toMatchObject({ status: 403, code: 'insufficient_scope', errors: [] });
    expect(error.detail).toContain('agents:write');
    expect(error.challenge).toContain('scope="agents:write"');

    const invalid = toTesseraApiError(response(400), {
      code: 'invalid_request',
      detail: 'The request does not match the schema.',
      errors: [{ path: 'body.name', message: 'must NOT have fewer than 1 characters' }, 'junk'],
    });
    expect(invalid.errors).toEqual([{ path: 'body.name', message: 'must NOT have fewer than 1 characters' }]);

    const failed = toTesseraApiError(response(500), {
      code: 'internal_error',
      detail: 'x',
      request_id: 'r-1',
    });
    expect(failed.requestId).toBe('r-1');
  });

  it('keeps field error codes and the extension members of a problem', () => {
    const error = toTesseraApiError(response(422), {
      type: 'https://tessera.dev/problems/policy-violation',
      title: 'Refused by policy',
      status: 422,
      detail: 'GitHub did not accept the token.',
      message: 'GitHub did not accept the token.',
      code: 'policy_violation',
      errors: [{ path: 'body.password', message: 'is too common', code: 'too_common' }],
      check: { ok: false, error: { code: 'invalid_token', message: 'Bad credentials' } },
    });
    expect(error.errors).toEqual([{ path: 'body.password', message: 'is too common', code: 'too_common' }]);
    expect(error.extensions).toEqual({
      check: { ok: false, error: { code: 'invalid_token', message: 'Bad credentials' } },
    });
  });

  it('reads RFC 6749 errors of the OAuth endpoints, using `error` as the code', () => {
    const error = toTesseraApiError(response(400), {
      error: 'authorization_pending',
      error_description: 'The user has not answered yet.',
    });
    expect(error).toMatchObject({ code: 'authorization_pending', detail: 'The user has not answered yet.' });
  });

  it('gives a body that is neither (a proxy page, nothing) an http_<status> code', () => {
    const error = toTesseraApiError(response(502), '<html>Bad gateway</html>');
    expect(error.code).toBe('http_502');
    expect(error.detail).toContain('502');
  });

  it('reads Retry-After in seconds only', () => {
    expect(
      toTesseraApiError(response(429, { 'retry-after': '7' }), { code: 'rate_limited' }).retryAfter,
    ).toBe(7);
    expect(
      toTesseraApiError(response(429, { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }), {
        code: 'rate_limited',
      }).retryAfter,
    ).toBeUndefined();
  });
});

describe('unwrap', () => {
  it('gives the data of a success and throws for a failure, also one without a body', async () => {
    await expect(unwrap({ data: { ok: true }, response: response(200) })).resolves.toEqual({ ok: true });
    await expect(unwrap({ data: undefined, response: response(204) })).resolves.toBeUndefined();
    await expect(unwrap({ error: undefined, response: response(404) })).rejects.toMatchObject({
      status: 404,
      code: 'http_404',
    });
  });
});
