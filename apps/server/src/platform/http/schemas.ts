import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyPluginAsync, RawServerDefault } from 'fastify';
import { Type } from 'typebox';
import { ERROR_CODES, type ErrorCode } from '../errors.ts';

export type App = FastifyInstance<
  RawServerDefault,
  import('fastify').RawRequestDefaultExpression,
  import('fastify').RawReplyDefaultExpression,
  import('fastify').FastifyBaseLogger,
  TypeBoxTypeProvider
>;
export type AppPlugin<Options extends Record<string, unknown>> = FastifyPluginAsync<
  Options,
  RawServerDefault,
  TypeBoxTypeProvider
>;

/** The closed list of error codes (platform/errors.ts), a component of its own so clients can map it completely. */
export const ProblemCode = Type.Enum(Object.keys(ERROR_CODES) as ErrorCode[], {
  $id: 'ProblemCode',
  description: 'Stable, snake_case error code: the closed list of docs/api.md §2',
});

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    message: Type.String({
      description:
        'The same text as `detail`, for clients that read `message` (e.g. `error.response.data.message`)',
    }),
    code: Type.Ref('ProblemCode'),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String(),
          message: Type.String(),
          code: Type.Optional(
            Type.String({
              description:
                'Why the field failed, stable and snake_case: `too_short`, `too_long`, `missing`, `too_common`, …',
            }),
          ),
        }),
      ),
    ),
    request_id: Type.Optional(Type.String()),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (code `invalid_request` or `invalid_json`)',
  401: 'No credential (`unauthenticated`), a bad token (`invalid_token`) or a PAT where sign-in is needed (`interactive_credential_required`)',
  403: 'Missing scope (`insufficient_scope`) or a cross-site cookie request (`csrf_rejected`)',
  404: 'Not found, or owned by someone else (`not_found`)',
  409: 'Conflict (`conflict`)',
  413: 'Payload too large (`payload_too_large`)',
  415: 'Unsupported media type (`unsupported_media_type`)',
  422: 'Refused by policy (`policy_violation`)',
  429: 'Rate limited (`rate_limited`); see Retry-After',
  502: 'The upstream provider failed (`bad_gateway`)',
  503: 'A dependency is unavailable (`service_unavailable`: the store, the rate-limit store, a read-only disk, or the instance is shutting down); see Retry-After',
  507: "The server's disk is full (`insufficient_storage`)",
};

/** Problem+json responses for the given statuses, for the OpenAPI document. */
export function problemResponses(...statuses: number[]) {
  const out: Record<number, unknown> = {};
  for (const status of statuses) {
    out[status] = Type.Ref('Problem', { description: PROBLEM_DESCRIPTIONS[status] ?? 'Error' });
  }
  return out as Record<number, ReturnType<typeof Type.Ref>>;
}

export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export function iso(date: Date | string): string;
export function iso(date: Date | string | null | undefined): string | null;
export function iso(date: Date | string | null | undefined): string | null {
  if (date === null || date === undefined) return null;
  return (date instanceof Date ? date : new Date(date)).toISOString();
}

/**
 * A boolean query parameter. Every route reads it the same way (platform/http/validation.ts):
 * `true`/`false` in any letter case, or `1`/`0`; anything else is 400 naming these.
 */
export function QueryBoolean(description: string) {
  return Type.Boolean({
    description: `${description}. Accepts \`true\`/\`false\` (any case) or \`1\`/\`0\`.`,
  });
}
