import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { enUS } from '../i18n/en-US.ts';
import { type MessageKey, translate } from '../i18n/translate.ts';
import { ApiError } from './api-client.ts';
import { errorMessage, fieldCodesOf } from './error-message.ts';

const t = (key: MessageKey, values?: Record<string, string | number>) => translate(enUS, key, values);

describe('errorMessage', () => {
  it("names a provider's refusal passed on as 502, instead of a generic gateway error", () => {
    const error = new ApiError({
      status: 502,
      code: 'bad_gateway',
      detail: 'GitHub: GitHub rejected the token (bad credentials). (invalid_token)',
    });
    expect(errorMessage(error, t)).toBe(
      `The provider refused the request. ${enUS.providers.test.codes.invalid_token}`,
    );
    expect(errorMessage(new ApiError({ status: 502, code: 'bad_gateway', detail: 'x' }), t)).toBe(
      enUS.errors.codes.bad_gateway,
    );
  });

  it('says something of its own for every code the API publishes, and falls back for unknown ones', () => {
    const codes: string[] = JSON.parse(
      readFileSync(new URL('../../../../openapi.json', import.meta.url), 'utf8'),
    ).components.schemas.ProblemCode.enum;
    expect(codes).toContain('not_found');
    for (const code of codes) {
      const message = errorMessage(new ApiError({ status: 400, code, detail: 'x' }), t);
      expect(message, code).toBe(enUS.errors.codes[code as keyof typeof enUS.errors.codes]);
    }
    expect(errorMessage(new ApiError({ status: 400, code: 'from_a_newer_server', detail: 'x' }), t)).toBe(
      enUS.errors.unexpected,
    );
    expect(errorMessage(new ApiError({ status: 400, code: 'rate_limited_seconds', detail: 'x' }), t)).toBe(
      enUS.errors.unexpected,
    );
  });

  it('reads the field codes of an invalid_request answer', () => {
    const error = new ApiError({
      status: 400,
      code: 'invalid_request',
      detail: 'x',
      errors: [{ path: 'body.password', message: 'is too common', code: 'too_common' }],
    });
    expect(fieldCodesOf(error)).toEqual({ password: 'too_common' });
  });
});
