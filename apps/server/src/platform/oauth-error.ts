/**
 * An RFC 6749 §5.2 error: the one answer shape that is not problem+json, used by the OAuth
 * token, device-authorization and revocation endpoints.
 */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }

  body() {
    return { error: this.error, error_description: this.description };
  }
}
