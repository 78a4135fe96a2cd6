import type { FastifyContextConfig, FastifyReply, FastifyRequest } from 'fastify';
import { type Static, type TObject, type TSchema, type TString, Type } from 'typebox';
import { IdParams } from '../../platform/http/route-declaration.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { type RequestContext, requestContext } from '../../platform/request-context.ts';
import type { declareRoutes } from './declare-routes.ts';
import { requireIdentity } from './identity.ts';

type App = Parameters<AppPlugin<Record<string, never>>>[0];
type RouteDeclarer = ReturnType<typeof declareRoutes>;

/** What a route on one of the caller's resources (`…/:id`) states of its own. */
export interface OwnedRouteSpec {
  config?: FastifyContextConfig;
  summary: string;
  description?: string;
  operationId: string;
  /** The `:id` parameter, where its schema says more than `IdParams`. */
  params?: TObject<{ id: TString }>;
  errors?: number[];
}

/**
 * The caller's answer on the resource `id`: the service call, scoped to `userId` (someone else's
 * resource is not found, 404), with `context` for its audit event.
 */
export type OwnedAnswer<T> = (id: string, userId: string, context: RequestContext) => Promise<T>;

/**
 * Routes on one of the caller's own resources, named by `:id`, declared through `route`: each
 * states only its path, documentation and service call; the `:id` parameter (and so the 404),
 * the caller and the success answer follow from the kind of route.
 */
export function ownedResourceRoutes(app: App, route: RouteDeclarer) {
  function register(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    { params = IdParams, errors, ...spec }: OwnedRouteSpec,
    response: Record<number, TSchema>,
    answer: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ) {
    app.route({ method, url: path, ...route({ ...spec, params, response, errors }), handler: answer });
  }
  const call = <T>(request: FastifyRequest, answer: OwnedAnswer<T>) =>
    answer((request.params as { id: string }).id, requireIdentity(request).userId, requestContext(request));

  return {
    /** GET `path` → 200 with `view`: one of the caller's resources, or something of it. */
    get<S extends TSchema>(path: string, spec: OwnedRouteSpec & { view: S }, find: OwnedAnswer<Static<S>>) {
      const { view, ...own } = spec;
      register('GET', path, own, { 200: view }, async (request) => call(request, find));
    },
    /** POST `path` without a body → 200 with `view`: an action on one of the caller's resources. */
    post<S extends TSchema>(path: string, spec: OwnedRouteSpec & { view: S }, act: OwnedAnswer<Static<S>>) {
      const { view, ...own } = spec;
      register('POST', path, own, { 200: view }, async (request) => call(request, act));
    },
    /** DELETE `path` → 204 (described as `outcome`): removes or revokes one of the caller's resources. */
    delete(path: string, spec: OwnedRouteSpec & { outcome: string }, remove: OwnedAnswer<unknown>) {
      const { outcome, ...own } = spec;
      register('DELETE', path, own, { 204: Type.Null({ description: outcome }) }, async (request, reply) => {
        await call(request, remove);
        return reply.code(204).send(null);
      });
    },
  };
}
