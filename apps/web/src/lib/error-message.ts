import type { ErrorCodeKey } from '../i18n/en-US.ts';
import type { Translate } from '../i18n/i18n-provider.tsx';
import { isMessageKey } from '../i18n/translate.ts';
import { isApiError } from './api-client.ts';

/**
 * Whether a code has a message of its own. Every code of the server's closed list has one (the
 * catalogues are typed `Record<ErrorCodeKey, …>`); a newer server's unknown code has none.
 */
function isErrorCodeKey(code: string): code is ErrorCodeKey {
  return code !== 'rate_limited_seconds' && isMessageKey(`errors.codes.${code}`);
}

type ProviderFailure = 'invalid_token' | 'insufficient_permissions' | 'token_expired' | 'unreachable';

/** A sentence for the person in front of the screen, in their language, for any failure. */
export function errorMessage(error: unknown, t: Translate): string {
  if (!isApiError(error)) return t('errors.unexpected');
  if (error.code === 'rate_limited' && error.retryAfter) {
    return t('errors.codes.rate_limited_seconds', { seconds: error.retryAfter });
  }
  // A provider's refusal passed on (502): the server names the failure in its detail,
  // e.g. "GitHub: GitHub rejected the token (bad credentials). (invalid_token)".
  const provider = /\((invalid_token|insufficient_permissions|token_expired|unreachable)\)$/.exec(
    error.detail,
  );
  if (error.code === 'bad_gateway' && provider) {
    return t('errors.providerRefused', {
      reason: t(`providers.test.codes.${provider[1] as ProviderFailure}`),
    });
  }
  if (isErrorCodeKey(error.code)) return t(`errors.codes.${error.code}`);
  return error.status >= 500 ? t('errors.codes.internal_error') : t('errors.unexpected');
}

/**
 * Field errors of an `invalid_request` answer, keyed by the body member they concern
 * (`body.password` → `password`). Only the first message of each field is kept.
 */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!isApiError(error) || error.code !== 'invalid_request') return {};
  const out: Record<string, string> = {};
  for (const fieldError of error.errors) {
    const parts = fieldError.path.split('.');
    const field = parts[0] === 'body' || parts[0] === 'query' ? parts[1] : parts[0];
    if (field && !(field in out)) out[field] = fieldError.message;
  }
  return out;
}

/** The stable reason of each failed field (`too_short`, `too_common`, …), where the server gives one. */
export function fieldCodesOf(error: unknown): Record<string, string> {
  if (!isApiError(error) || error.code !== 'invalid_request') return {};
  const out: Record<string, string> = {};
  for (const fieldError of error.errors) {
    const parts = fieldError.path.split('.');
    const field = parts[0] === 'body' || parts[0] === 'query' ? parts[1] : parts[0];
    if (field && fieldError.code && !(field in out)) out[field] = fieldError.code;
  }
  return out;
}

export function hasErrorCode(error: unknown, code: ErrorCodeKey): boolean {
  return isApiError(error) && error.code === code;
}
