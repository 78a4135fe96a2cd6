/** One failed field of a 400 `invalid_request` answer. */
export interface FieldError {
  path: string;
  message: string;
  /** Why the field failed, when the server says: `too_short`, `too_common`, `missing`, … */
  code?: string;
}

/**
 * A failed API call as one typed error. Problem details (RFC 9457) carry their `code`; the OAuth
 * endpoints' RFC 6749 errors use their `error` as the code; anything else (a proxy's HTML page,
 * an empty body) gets `http_<status>`.
 */
export class TesseraApiError extends Error {
  override readonly name = 'TesseraApiError';
  readonly status: number;
  /** The stable snake_case code: `not_found`, `insufficient_scope`, `invalid_grant`, … */
  readonly code: string;
  /** A human-readable explanation, safe to show to a user. */
  readonly detail: string;
  /** Field errors of an `invalid_request` answer; empty otherwise. */
  readonly errors: FieldError[];
  /** Present on 5xx answers: the id an operator can find in the server log. */
  readonly requestId: string | undefined;
  /** Seconds to wait, from `Retry-After` (429). */
  readonly retryAfter: number | undefined;
  /** The `WWW-Authenticate` challenge of a 401 or 403, e.g. with the scope needed. */
  readonly challenge: string | undefined;
  /** The problem's extension members (RFC 9457 §3.2), e.g. `check` of a refused provider token. */
  readonly extensions: Record<string, unknown>;

  constructor(init: {
    status: number;
    code: string;
    detail: string;
    errors?: FieldError[];
    requestId?: string | undefined;
    retryAfter?: number | undefined;
    challenge?: string | undefined;
    extensions?: Record<string, unknown>;
  }) {
    super(init.detail);
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
    this.challenge = init.challenge;
    this.extensions = init.extensions ?? {};
  }
}

export function isTesseraApiError(error: unknown): error is TesseraApiError {
  return error instanceof TesseraApiError;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function fieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((item) => ({
    path: String(item.path ?? ''),
    message: String(item.message ?? ''),
    ...(typeof item.code === 'string' ? { code: item.code } : {}),
  }));
}

const STANDARD_MEMBERS = new Set([
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'code',
  'errors',
  'request_id',
  'message',
]);

function extensionMembers(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([key]) => !STANDARD_MEMBERS.has(key)));
}

/** Builds the error for a non-2xx response whose body has already been read (as JSON, when it was). */
export function toTesseraApiError(response: Response, body: unknown): TesseraApiError {
  const retryAfterHeader = response.headers.get('retry-after');
  const retryAfter =
    retryAfterHeader && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : undefined;
  const common = {
    status: response.status,
    retryAfter,
    challenge: response.headers.get('www-authenticate') ?? undefined,
  };
  if (isRecord(body) && typeof body.code === 'string') {
    return new TesseraApiError({
      ...common,
      code: body.code,
      detail:
        typeof body.detail === 'string'
          ? body.detail
          : typeof body.title === 'string'
            ? body.title
            : body.code,
      errors: fieldErrors(body.errors),
      requestId: typeof body.request_id === 'string' ? body.request_id : undefined,
      extensions: extensionMembers(body),
    });
  }
  if (isRecord(body) && typeof body.error === 'string') {
    return new TesseraApiError({
      ...common,
      code: body.error,
      detail: typeof body.error_description === 'string' ? body.error_description : body.error,
    });
  }
  return new TesseraApiError({
    ...common,
    code: `http_${response.status}`,
    detail: `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}.`,
  });
}

/**
 * The data of an openapi-fetch result, or a thrown TesseraApiError:
 * `const { user } = await unwrap(client.GET('/api/me'))`.
 */
export async function unwrap<Data>(
  pending:
    | Promise<{ data?: Data; error?: unknown; response: Response }>
    | { data?: Data; error?: unknown; response: Response },
): Promise<Data> {
  const { data, error, response } = await pending;
  if (!response.ok) throw toTesseraApiError(response, error);
  return data as Data;
}
