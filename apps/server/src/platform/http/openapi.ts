import { readFileSync } from 'node:fs';
import path from 'node:path';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyContextConfig, FastifyInstance, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { SERVER_ROOT } from '../paths.ts';

/**
 * The OpenAPI 3.1 document is generated from the route schemas; nothing about the HTTP surface
 * is written twice. This plugin adds what a route's schema cannot say by itself:
 * - its `security` and the 401/403 it answers, as the `describeAccess` option (given by the code
 *   that enforces access) derives them from the route;
 * - the error answers the platform gives on every route of a kind (400 for routes with input,
 *   413 and 415 for routes that take a body, 429 for rate-limited routes, 500 everywhere), as
 *   problem+json;
 * - a stable order, so that the checked-in `openapi.json` only changes when the API does.
 */

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is open-ended JSON
type Json = Record<string, any>;

export type SecurityRequirement = Record<string, string[]>;

/** What a route's access control contributes to its operation (provided by whoever enforces it). */
export interface RouteAccessDocs {
  /** The operation's `security`; empty for a route that reads no credential. */
  security: SecurityRequirement[];
  /** Members added to the operation after `security` (e.g. `x-required-scopes`). */
  extensions?: Json;
  /** Error answers the access check gives (status → description), as problem+json. */
  responses?: Record<string, string>;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const problemRef = (description: string) => ({ $ref: 'Problem', description });

/** The error answers every route of this shape can give, whether or not its author listed them. */
function platformResponses(route: RouteOptions, access: RouteAccessDocs): Record<string, unknown> {
  const schema = route.schema ?? {};
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const unsafe = methods.some((method) => UNSAFE_METHODS.has(method));
  const out: Record<string, unknown> = {};
  // Fastify parses the body of any unsafe request, whether or not the route reads one.
  const parsesBody = Boolean(schema.body) || unsafe;
  if (parsesBody || schema.querystring || schema.params) {
    out[400] = problemRef('The request does not match the schema (`invalid_request`, `invalid_json`)');
  }
  if (parsesBody) {
    out[413] = problemRef('The body is too large (`payload_too_large`)');
    out[415] = problemRef('Unsupported content type (`unsupported_media_type`)');
  }
  if (route.config?.rateLimit) {
    out[429] = problemRef('Rate limited (`rate_limited`); see Retry-After');
  }
  for (const [status, description] of Object.entries(access.responses ?? {})) {
    out[status] = problemRef(description);
  }
  out[500] = problemRef('Unexpected failure (`internal_error`); the body carries a `request_id`');
  return out;
}

/**
 * A body or response that is itself a named schema (`$id`) would be inlined; wrapped in `allOf`
 * it is collected as a component like the named schemas nested deeper, and the wrapper is
 * removed again by normalizeDocument.
 */
function referenceable(schema: Json): Json {
  if (typeof schema?.$id !== 'string') return schema;
  const { description } = schema;
  return { ...(description ? { description } : {}), allOf: [schema] };
}

/**
 * Multipart routes read their parts in the handler, so Fastify has no body schema to validate;
 * the document still says what to send, so that clients and the reference can offer it.
 */
function uploadBody(schema: Json): Json | undefined {
  const consumes: unknown = schema.consumes;
  if (!Array.isArray(consumes) || !consumes.includes('multipart/form-data')) return undefined;
  return {
    type: 'object',
    required: ['file'],
    properties: { file: { type: 'string', format: 'binary', description: 'The file: exactly one part' } },
  };
}

const REASONS: Record<string, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No content' };

/** Success answers without a description of their own are described by their status, not "Default Response". */
function describeResponse(status: string, schema: Json): Json {
  if (schema.description || schema['x-response-description'] || !REASONS[status]) return schema;
  return { ...schema, 'x-response-description': REASONS[status] };
}

/** Replaces `{ allOf: [{ $ref }] }` (see referenceable) by the plain reference, everywhere. */
function unwrapSingleReferences(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSingleReferences);
  if (!value || typeof value !== 'object') return value;
  const object = value as Json;
  const only = Array.isArray(object.allOf) && object.allOf.length === 1 ? object.allOf[0] : undefined;
  if (only && typeof only.$ref === 'string' && Object.keys(only).length === 1) {
    const { allOf: _, ...rest } = object;
    return { $ref: only.$ref, ...(unwrapSingleReferences(rest) as Json) };
  }
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, unwrapSingleReferences(item)]));
}

const METHOD_ORDER = ['get', 'put', 'post', 'patch', 'delete', 'options', 'head', 'trace'];

function sortKeys<T>(object: Record<string, T>, compare?: (a: string, b: string) => number) {
  return Object.fromEntries(
    Object.entries(object).sort(([a], [b]) => (compare ? compare(a, b) : a < b ? -1 : a > b ? 1 : 0)),
  );
}

const PROBLEM_REF = '#/components/schemas/Problem';

/** Problem itself, or a named problem with extension members (`allOf: [Problem, { … }]`). */
export function isProblemSchema(schema: Json | undefined, schemas: Json): boolean {
  const ref: unknown = schema?.$ref;
  if (ref === PROBLEM_REF) return true;
  if (typeof ref !== 'string' || !ref.startsWith('#/components/schemas/')) return false;
  const named = schemas[ref.slice('#/components/schemas/'.length)];
  return Array.isArray(named?.allOf) && named.allOf.some((part: Json) => part?.$ref === PROBLEM_REF);
}

/**
 * Puts the document into its published form: problem answers as `application/problem+json`,
 * and every map whose order carries no meaning (paths, methods, responses, components) sorted.
 */
export function normalizeDocument(input: Json): Json {
  const document = unwrapSingleReferences(input) as Json;
  const schemas: Json = document.components?.schemas ?? {};
  const paths: Json = {};
  for (const [path, item] of Object.entries<Json>(document.paths ?? {})) {
    const operations: Json = {};
    for (const [method, operation] of Object.entries<Json>(item)) {
      if (!METHOD_ORDER.includes(method)) {
        operations[method] = operation;
        continue;
      }
      const responses: Json = {};
      for (const [status, response] of Object.entries<Json>(operation.responses ?? {})) {
        const json = response.content?.['application/json'];
        if (isProblemSchema(json?.schema, schemas)) {
          const { 'application/json': _, ...rest } = response.content;
          response.content = sortKeys({ ...rest, 'application/problem+json': json });
        }
        responses[status] = response;
      }
      // A route whose schema says `'x-body-optional': true` accepts a request without a body
      // (its preValidation supplies `{}`); @fastify/swagger marks every body required.
      const { 'x-body-optional': bodyOptional, ...rest } = operation;
      if (bodyOptional === true && rest.requestBody)
        rest.requestBody = { ...rest.requestBody, required: false };
      operations[method] = { ...rest, responses: sortKeys(responses) };
    }
    paths[path] = sortKeys(operations, (a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b));
  }
  const components = document.components ?? {};
  // Declared tags in their reading order, as far as operations use them; then any others.
  const used = new Set(
    Object.values<Json>(paths).flatMap((item) => Object.values<Json>(item).flatMap((op) => op?.tags ?? [])),
  );
  const declared = ((document.tags ?? []) as Json[]).filter((tag) => used.has(tag.name));
  const undeclared = [...used].filter((name) => !declared.some((tag) => tag.name === name)).sort();
  return {
    ...document,
    ...(used.size > 0 ? { tags: [...declared, ...undeclared.map((name) => ({ name }))] } : {}),
    paths: sortKeys(paths),
    components: {
      ...components,
      schemas: sortKeys(components.schemas ?? {}),
      securitySchemes: sortKeys(components.securitySchemes ?? {}),
    },
  };
}

export interface OpenApiOptions {
  /** The document's `info.version`; defaults to the server package's version. */
  version?: string;
  /** Serve the interactive reference at /docs. */
  serveUi?: boolean;
  /** The document's `info` title and description. */
  info: { title: string; description: string };
  /** Sections of the reference (tag → description), in reading order; tags no operation uses are left out of the document. */
  tags: Record<string, string>;
  securitySchemes: Json;
  /** A route's access control in the document; a route it answers undefined for is documented as written. */
  describeAccess: (route: RouteOptions) => RouteAccessDocs | undefined;
  /** The config and tags of the document's own route, `GET /api/openapi.json`. */
  documentRoute: { config: FastifyContextConfig; tags: string[] };
}

function serverVersion(): string {
  const file = path.join(SERVER_ROOT, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

export const openApi = fp(
  async (app: FastifyInstance, options: OpenApiOptions) => {
    app.addHook('onRoute', (route) => {
      const access = options.describeAccess(route);
      if (access === undefined) return;
      // Fastify ignores these keys; @fastify/swagger copies them into the operation.
      const documented: Json = { ...route.schema, security: access.security, ...access.extensions };
      route.schema = documented;
    });

    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: options.info.title,
          version: options.version ?? serverVersion(),
          description: options.info.description,
        },
        tags: Object.entries(options.tags).map(([name, description]) => ({ name, description })),
        components: { securitySchemes: options.securitySchemes },
      },
      // Shared schemas keep their `$id` as the component name (`Problem`, `TokenView`, …) instead of `def-N`.
      refResolver: {
        buildLocalReference: (json: Json, _baseUri: unknown, _fragment: unknown, i: number) =>
          typeof json.$id === 'string' ? json.$id : `def-${i}`,
      },
      // Documentation-only changes: the schemas Fastify validates and serializes with stay as written.
      transform: ({ schema, url, route }) => {
        const access = options.describeAccess(route);
        if (!schema || access === undefined) return { schema, url };
        const response: Record<string, unknown> = { ...platformResponses(route, access) };
        for (const [status, body] of Object.entries(schema.response ?? {})) {
          response[status] = describeResponse(status, referenceable(body as Json));
        }
        const body = schema.body ? referenceable(schema.body as Json) : uploadBody(schema as Json);
        return { schema: { ...schema, ...(body ? { body } : {}), response }, url };
      },
      transformObject: (documentObject) =>
        normalizeDocument((documentObject as { openapiObject: Json }).openapiObject),
    });

    let serialized: string | undefined;
    app.get(
      '/api/openapi.json',
      {
        config: options.documentRoute.config,
        schema: {
          summary: 'This OpenAPI 3.1 document',
          operationId: 'getOpenApiDocument',
          tags: options.documentRoute.tags,
          response: {
            200: {
              type: 'object',
              additionalProperties: true,
              description: 'The OpenAPI 3.1 document of this server',
            },
          },
        },
      },
      async (_request, reply) => {
        serialized ??= JSON.stringify(app.swagger());
        return reply.type('application/json; charset=utf-8').send(serialized);
      },
    );

    if (options.serveUi !== false) {
      await app.register(swaggerUi, {
        routePrefix: '/docs',
        uiConfig: { deepLinking: true, tryItOutEnabled: false, persistAuthorization: false },
        staticCSP: false,
      });
    }
  },
  { name: 'openapi' },
);
