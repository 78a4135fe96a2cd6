import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors.ts';

/**
 * The one place request bodies are turned into values (ADR 0015):
 * - JSON: an empty body (or only whitespace) is no body at all, whatever the method, because
 *   curl, axios and requests send `Content-Type: application/json` on every call; a route that
 *   needs a body then fails validation with 400 `invalid_request`. Nesting deeper than
 *   MAX_JSON_DEPTH is refused before parsing, so no recursive code downstream (validation,
 *   scans, serializers) can run out of stack on an open schema.
 * - Forms (`application/x-www-form-urlencoded`) are a "simple" cross-site request, like
 *   text/plain: they are accepted only by routes whose schema lists FORM_MEDIA_TYPE in
 *   `consumes` (the RFC 6749/7009/8628 endpoints), so the OpenAPI document and the behaviour
 *   cannot disagree; every other route answers 415.
 */

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';

function acceptsForms(request: FastifyRequest): boolean {
  const consumes = (request.routeOptions.schema as { consumes?: unknown } | undefined)?.consumes;
  return Array.isArray(consumes) && consumes.includes(FORM_MEDIA_TYPE);
}

export const MAX_JSON_DEPTH = 64;

const JSON_WHITESPACE_ONLY = /^[ \t\n\r]*$/;

/** Whether a JSON text nests arrays/objects deeper than `limit`; linear, no recursion, never throws. */
export function jsonNestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c /* \ */) i += 1;
      else if (code === 0x22 /* " */) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b /* [ */ || code === 0x7b /* { */) {
      depth += 1;
      if (depth > limit) return true;
    } else if (code === 0x5d /* ] */ || code === 0x7d /* } */) {
      depth -= 1;
    }
  }
  return false;
}

export type JsonTextParser = (text: string) => unknown;

/**
 * Parses a JSON request body: undefined for an empty one, AppError `invalid_json` for a
 * malformed or too deeply nested one. `parse` is Fastify's own parser (prototype-poisoning checks).
 */
export function parseJsonBody(text: string, parse: JsonTextParser): unknown {
  if (JSON_WHITESPACE_ONLY.test(text)) return undefined;
  if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new AppError('invalid_json', `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  }
  try {
    return parse(text);
  } catch {
    throw new AppError('invalid_json', 'The body is not valid JSON.');
  }
}

/** Fastify's default JSON parse (it refuses `__proto__` and `constructor.prototype` keys), as a function of the text. */
export function fastifyJsonParse(app: FastifyInstance): JsonTextParser {
  const parser = app.getDefaultJsonParser('error', 'error');
  return (text) => {
    let result: unknown;
    let failure: unknown;
    parser({} as FastifyRequest, text, (error: Error | null, value?: unknown) => {
      failure = error;
      result = value;
    });
    if (failure) throw failure;
    return result;
  };
}

/** The JSON parser for a route that must also keep the exact bytes (e.g. to verify a signature). */
export function jsonBodyParserKeepingRaw(
  app: FastifyInstance,
  keep: (request: FastifyRequest, raw: string) => void,
) {
  const parse = fastifyJsonParse(app);
  return (
    request: FastifyRequest,
    body: string | Buffer,
    done: (error: Error | null, value?: unknown) => void,
  ) => {
    const text = body as string;
    keep(request, text);
    try {
      done(null, parseJsonBody(text, parse));
    } catch (error) {
      done(error as Error, undefined);
    }
  };
}

/** JSON (depth-limited, NUL-free) and, where a route opts in, form bodies; text/plain is refused. */
export const bodyParsers = fp(
  async (app: FastifyInstance) => {
    const parse = fastifyJsonParse(app);
    // text/plain is what browsers send cross-site without a preflight: JSON routes answer it 415.
    app.removeContentTypeParser(['application/json', 'text/plain']);
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, parseJsonBody(body as string, parse));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    app.addContentTypeParser(FORM_MEDIA_TYPE, { parseAs: 'string' }, (request, body, done) => {
      if (!acceptsForms(request)) {
        done(
          new AppError('unsupported_media_type', 'This endpoint accepts application/json bodies only.'),
          undefined,
        );
        return;
      }
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
  },
  { name: 'body-parsers' },
);
