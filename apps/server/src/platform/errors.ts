/**
 * The closed list of error codes and the one table that maps them to HTTP (docs/api.md §2).
 * Services throw `new AppError(code, detail)`; the error handler renders problem+json.
 */
export const ERROR_CODES = {
  unauthenticated: { status: 401, title: 'Authentication required' },
  invalid_token: { status: 401, title: 'Invalid token' },
  invalid_credentials: { status: 401, title: 'Invalid e-mail or password' },
  interactive_credential_required: { status: 401, title: 'Interactive sign-in required' },
  insufficient_scope: { status: 403, title: 'Insufficient scope' },
  csrf_rejected: { status: 403, title: 'Cross-site request rejected' },
  network_not_allowed: { status: 403, title: 'Network not allowed' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  not_acceptable: { status: 406, title: 'Not acceptable' },
  invalid_request: { status: 400, title: 'Invalid request' },
  invalid_json: { status: 400, title: 'Malformed JSON body' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  storage_quota_exceeded: { status: 413, title: 'Storage quota exceeded' },
  conflict: { status: 409, title: 'Conflict' },
  policy_violation: { status: 422, title: 'Refused by policy' },
  rate_limited: { status: 429, title: 'Too many requests' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
  insufficient_storage: { status: 507, title: 'Insufficient storage' },
  bad_gateway: { status: 502, title: 'Upstream service error' },
  internal_error: { status: 500, title: 'Internal server error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  path: string;
  message: string;
  /** A stable snake_case reason a client can branch on (`too_short`, `too_common`, …). */
  code?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string;
  readonly headers: Record<string, string>;
  readonly errors: FieldError[] | undefined;
  /** RFC 9457 extension members, added to the body beside the standard ones. */
  readonly extensions: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: {
      headers?: Record<string, string>;
      errors?: FieldError[];
      extensions?: Record<string, unknown>;
      /** Why (for the log only, never the response): e.g. the store's connection error. */
      cause?: unknown;
    } = {},
  ) {
    const entry = ERROR_CODES[code];
    // A client error (401, 404, …) is an answer, not a fault: nobody reads its stack trace, and
    // capturing one costs more than the rest of a rejected request (issue #13). 5xx keep theirs.
    const stackTraceLimit = Error.stackTraceLimit;
    if (entry.status < 500) Error.stackTraceLimit = 0;
    // The cause is for the log (why the store was unavailable), never for the response.
    super(detail ?? entry.title, options.cause === undefined ? undefined : { cause: options.cause });
    Error.stackTraceLimit = stackTraceLimit;
    this.code = code;
    this.status = entry.status;
    this.detail = detail ?? entry.title;
    this.headers = options.headers ?? {};
    this.errors = options.errors;
    this.extensions = options.extensions;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** The problem+json body for an error (RFC 9457). */
export function problemBody(error: AppError, instance?: string) {
  return {
    ...error.extensions,
    type: `https://tessera.dev/problems/${error.code.replace(/_/g, '-')}`,
    title: ERROR_CODES[error.code].title,
    status: error.status,
    detail: error.detail,
    // The same text under the name clients written against `{ message }` APIs read (docs/api.md §5).
    message: error.detail,
    code: error.code,
    ...(instance ? { instance } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
  };
}
