import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isStoreFull, isStoreUnavailable } from '../database/store-errors.ts';
import { AppError, type ErrorCode, type FieldError, problemBody } from '../errors.ts';
import { OAuthError } from '../oauth-error.ts';
import { NO_STORE } from './no-store.ts';
import { safeTextMessage } from './safe-text.ts';
import { Problem, ProblemCode } from './schemas.ts';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
  FST_REQ_FILE_TOO_LARGE: 'payload_too_large',
  FST_PARTS_LIMIT: 'payload_too_large',
  FST_FILES_LIMIT: 'payload_too_large',
  FST_PROTO_VIOLATION: 'invalid_request',
  FST_ERR_BAD_URL: 'invalid_request',
  // A path parameter longer than the router allows (100 characters): longer than any id schema allows.
  FST_ERR_MAX_PARAM_LENGTH: 'invalid_request',
};

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'invalid_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

interface ValidationIssue {
  instancePath: string;
  keyword?: string;
  message?: string;
  /** Present because the validators run with Ajv's `verbose` option. */
  parentSchema?: { description?: unknown };
  params?: Record<string, unknown>;
}

/** Stable reasons for the schema keywords a client may want to tell apart. */
const KEYWORD_CODES: Record<string, string> = {
  minLength: 'too_short',
  maxLength: 'too_long',
  minimum: 'too_small',
  maximum: 'too_large',
  minItems: 'too_few',
  maxItems: 'too_many',
  required: 'missing',
  additionalProperties: 'unknown_field',
  pattern: 'invalid_format',
  format: 'invalid_format',
};

function fieldErrors(context: string | undefined, issues: ValidationIssue[]): FieldError[] {
  return issues.map((issue) => {
    const segments = issue.instancePath.split('/').filter(Boolean);
    const missing = issue.params?.missingProperty;
    if (typeof missing === 'string') segments.push(missing);
    const extra = issue.params?.additionalProperty;
    if (typeof extra === 'string') segments.push(extra);
    const prefix = context === 'querystring' ? 'query' : (context ?? 'body');
    const code = issue.keyword ? KEYWORD_CODES[issue.keyword] : undefined;
    return {
      path: [prefix, ...segments].join('.'),
      message: issueMessage(issue),
      ...(code ? { code } : {}),
    };
  });
}

/** What a log line needs from an underlying error: its kind, message and code (never a value it carried). */
export function describeCause(cause: unknown): Record<string, unknown> {
  if (!(cause instanceof Error)) return { message: String(cause) };
  const code = (cause as { code?: unknown }).code;
  return { type: cause.name, message: cause.message, ...(code === undefined ? {} : { code }) };
}

/** Ajv's message, naming what is allowed where Ajv does not: the values of an enum, the rule behind a pattern. */
function issueMessage(issue: ValidationIssue): string {
  const allowed = issue.params?.allowedValues;
  if (issue.keyword === 'enum' && Array.isArray(allowed)) return `must be one of: ${allowed.join(', ')}`;
  const safeText = issue.keyword === 'pattern' ? safeTextMessage(issue.params?.pattern) : undefined;
  if (safeText) return safeText;
  const description = issue.parentSchema?.description;
  if (issue.keyword === 'pattern' && typeof description === 'string') {
    return `${issue.message ?? 'does not match the pattern'} (${description})`;
  }
  return issue.message ?? 'is invalid';
}

/** Turns any thrown error into the contract's problem+json (or RFC 6749 for OAuth errors). */
export function toAppError(error: FastifyError | Error): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as FastifyError & { validation?: ValidationIssue[] };
  if (fastifyError.validation) {
    return new AppError('invalid_request', 'The request does not match the schema.', {
      errors: fieldErrors(fastifyError.validationContext, fastifyError.validation),
    });
  }
  const byCode = fastifyError.code ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (byCode) return new AppError(byCode);
  if (error instanceof SyntaxError) return new AppError('invalid_json');
  const status = fastifyError.statusCode;
  if (status && status < 500) return new AppError(STATUS_CODES[status] ?? 'invalid_request');
  // Before "unavailable": a full disk is not an outage to wait out in seconds, an operator has to act.
  if (isStoreFull(error)) {
    return new AppError(
      'insufficient_storage',
      'The store has no room to record this; nothing was changed.',
      {
        headers: { 'retry-after': '60' },
        cause: error,
      },
    );
  }
  if (isStoreUnavailable(error)) {
    return new AppError('service_unavailable', 'The store is unavailable; retry shortly.', {
      headers: { 'retry-after': '5' },
      cause: error,
    });
  }
  return new AppError('internal_error', 'Something went wrong on our side.');
}

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

export function sendProblem(reply: FastifyReply, error: AppError, request: FastifyRequest) {
  const body: Record<string, unknown> = problemBody(error);
  // 5xx answers carry the request id so that an operator can find the log line.
  if (error.status >= 500) body.request_id = request.id;
  return reply
    .code(error.status)
    .headers(error.headers)
    .type(PROBLEM_JSON)
    .serializer(JSON.stringify)
    .send(body);
}

/**
 * The answer to a client error whose body depends on nothing in the request, built once: the same
 * status, headers and problem+json bytes as `sendProblem`, without building and serializing the
 * body again on every request (issue #13: refusals answered by the authentication hook).
 */
export function prebuiltProblem(error: AppError): (reply: FastifyReply) => void {
  if (error.status >= 500) throw new Error('a 5xx answer names its request id: it cannot be prebuilt');
  const headers = { ...error.headers, 'content-type': PROBLEM_JSON };
  const body = JSON.stringify(problemBody(error));
  return (reply) => {
    reply.code(error.status).headers(headers).send(body);
  };
}

function sendOAuthError(reply: FastifyReply, error: OAuthError) {
  return reply
    .code(error.status)
    .headers({ ...NO_STORE, ...error.headers })
    .type('application/json; charset=utf-8')
    .serializer(JSON.stringify)
    .send(error.body());
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers its 400s as RFC 6749 §5.2 errors, not problem details (docs/api.md §2). */
    oauthErrors?: boolean;
  }
}

export const API_PREFIX = '/api';

export function isApiPath(url: string): boolean {
  return url === API_PREFIX || url.startsWith(`${API_PREFIX}/`) || url.startsWith(`${API_PREFIX}?`);
}

/**
 * A 404 outside the API says where the API is: the usual mistake is a base URL without `/api`.
 * The path is not echoed (a pasted token could be in it).
 */
const notFoundOutsideApi = () =>
  new AppError(
    'not_found',
    `There is no such page. The API lives under ${API_PREFIX}: a client's base URL ends in ${API_PREFIX} (for example https://HOST${API_PREFIX}), and health is at ${API_PREFIX}/health.`,
  );

export interface ErrorHandlingOptions {
  /** Lets a single-page web app answer unknown non-API paths; returns true when it did. */
  spaFallback?: ((request: FastifyRequest, reply: FastifyReply) => boolean) | undefined;
}

export const errorHandling = fp(
  async (app: FastifyInstance, options: ErrorHandlingOptions) => {
    // The shared problem+json schema: routes' error responses refer to it as `Problem`, whose
    // `code` refers to `ProblemCode` (a component of its own, so clients map every code).
    app.addSchema(ProblemCode);
    app.addSchema(Problem);
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof OAuthError) return sendOAuthError(reply, error);
      const appError = toAppError(error);
      if (appError.status >= 500) {
        // Keep the cause (why the store was unavailable), not just our own wrapper.
        const cause = error.cause ?? appError.cause;
        request.log.error(
          { err: error, ...(cause ? { cause: describeCause(cause) } : {}) },
          'request failed',
        );
      } else if (!(error instanceof AppError)) {
        request.log.info({ code: appError.code, reason: error.code }, 'request rejected');
      }
      // A body such a route cannot even parse is an RFC 6749 invalid_request too, not a problem.
      if (request.routeOptions.config?.oauthErrors && appError.status === 400) {
        return sendOAuthError(reply, new OAuthError('invalid_request', appError.detail));
      }
      return sendProblem(reply, appError, request);
    });

    app.setNotFoundHandler((request, reply) => {
      if (options.spaFallback?.(request, reply)) return;
      const error = isApiPath(request.url)
        ? new AppError('not_found', 'There is no such resource.')
        : notFoundOutsideApi();
      sendProblem(reply, error, request);
    });
  },
  { name: 'error-handling' },
);
