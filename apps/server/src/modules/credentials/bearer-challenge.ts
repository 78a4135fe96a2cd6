/**
 * The `WWW-Authenticate` value of an answer refusing a credential (RFC 6750 §3):
 * `Bearer realm="tessera"`, then the error code, its description and the scope needed, if given.
 */
export function bearerChallenge(
  error?: 'invalid_token' | 'insufficient_scope',
  details: { description?: string; scope?: string } = {},
): string {
  let challenge = 'Bearer realm="tessera"';
  if (error) challenge += `, error="${error}"`;
  if (details.description) challenge += `, error_description="${details.description}"`;
  if (details.scope) challenge += `, scope="${details.scope}"`;
  return challenge;
}
