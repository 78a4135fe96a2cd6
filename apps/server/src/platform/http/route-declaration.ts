import type { FastifyContextConfig, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { type TSchema, Type } from 'typebox';
import { problemResponses } from './schemas.ts';

/**
 * The one way a route declares its standard parts. A feature makes a declarer for its section
 * of the API reference (`tags`) and the config most of its routes share (their access); each
 * route then states only what is its own: operation id, summary, what it reads, its success
 * answers and the errors peculiar to it. The problem+json answers it documents follow from the
 * rest, so that two routes of the same shape cannot document them differently:
 * - those of its access check (`accessProblems`, given by the code that enforces access);
 * - 400 when it reads a body or a query, 415 when it reads a body;
 * - 404 when its path names a resource (which may not exist, or be someone else's);
 * - 429 when it is rate-limited;
 * - then its own `errors` (a conflict, a policy refusal, an upstream failure, …).
 * A route whose answers follow no such pattern lists every one in `problems` instead.
 */
export interface RouteSpec {
  operationId: string;
  summary: string;
  description?: string;
  params?: TSchema;
  querystring?: TSchema;
  headers?: TSchema;
  body?: TSchema;
  consumes?: string[];
  /** The success answers, and error answers with a schema of their own. */
  response: Record<number, TSchema>;
  /** Problem answers of this route beyond those that follow from its access and shape. */
  errors?: number[];
  /** Every problem answer of this route, where they follow no pattern (replaces the derived ones). */
  problems?: number[];
  /** The body may be left out: the handler then reads `{}`, and the document says it is optional. */
  bodyOptional?: boolean;
  /** Config of this route beyond the declarer's: another access, a rate limit. */
  config?: FastifyContextConfig;
}

/** Route options as Fastify reads them; the schema keeps the types of what the route reads and answers. */
export interface DeclaredRoute<S extends RouteSpec> {
  config: FastifyContextConfig;
  schema: Omit<S, 'errors' | 'problems' | 'bodyOptional' | 'config'> & { tags: string[] };
  preValidation?: (request: FastifyRequest) => Promise<void>;
}

/** Route options besides those the declaration makes. */
export type RouteOptions = Omit<RouteShorthandOptions, 'config' | 'schema' | 'preValidation'>;

export interface RouteDefaults {
  /** The route's section of the API reference. */
  tags: string[];
  config: FastifyContextConfig;
  /** The problem answers of the access check a route with this config passes through. */
  accessProblems: (config: FastifyContextConfig) => number[];
}

// @fastify/swagger marks every body required; the OpenAPI plugin reads this flag to say otherwise.
const BODY_OPTIONAL = { 'x-body-optional': true } as const;

async function readMissingBodyAsEmpty(request: FastifyRequest) {
  request.body ??= {};
}

/** The problem answers a route documents (see RouteSpec). */
function documentedProblems(spec: RouteSpec, config: FastifyContextConfig, defaults: RouteDefaults) {
  if (spec.problems) return spec.problems;
  const reads = (part: TSchema | undefined, status: number) => (part ? [status] : []);
  return [
    ...defaults.accessProblems(config),
    ...reads(spec.body ?? spec.querystring, 400),
    ...reads(spec.params, 404),
    ...reads(spec.body, 415),
    ...(config.rateLimit ? [429] : []),
    ...(spec.errors ?? []),
  ];
}

/**
 * A declarer of routes sharing `defaults`: `route(spec)` gives the `config`, `schema` and hooks
 * of one; `route(spec, { logLevel, bodyLimit, … })` adds other route options as they are.
 */
export function routeDeclarer(defaults: RouteDefaults) {
  return <const S extends RouteSpec, O extends RouteOptions = Record<never, never>>(
    spec: S,
    options?: O,
  ): DeclaredRoute<S> & O => {
    const { errors: _, problems: __, bodyOptional, config: own, response, ...schema } = spec;
    const config = { ...defaults.config, ...own };
    const problems = problemResponses(...documentedProblems(spec, config, defaults));
    return {
      config,
      schema: {
        ...schema,
        tags: defaults.tags,
        ...(bodyOptional ? BODY_OPTIONAL : {}),
        response: { ...problems, ...response },
      },
      ...(bodyOptional ? { preValidation: readMissingBodyAsEmpty } : {}),
      ...options,
    } as DeclaredRoute<S> & O;
  };
}

/** A rate limit of `max` requests a minute. */
export function perMinute(max: number) {
  return { max, timeWindow: '1 minute' };
}

/** The parameters of a path naming one resource by its id (`/…/:id`). */
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
