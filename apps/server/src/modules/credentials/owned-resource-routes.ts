import type { FastifyContextConfig, FastifyReply, FastifyRequest } from 'fastify';
import { type Static, type TObject, type TSchema, type TString, Type } from 'typebox';
import { NO_STORE } from '../../platform/http/no-store.ts';
import { IdParams } from '../../platform/http/route-declaration.ts';
import type { AppPlugin } from '../../platform/http/schemas.ts';
import { type RequestContext, requestContext } from '../../platform/request-context.ts';
import type { declareRoutes } from './declare-routes.ts';
import { requireIdentity } from './identity.ts';

type App = Parameters<AppPlugin<Record<string, never>>>[0];
type RouteDeclarer = ReturnType<typeof declareRoutes>;

/** What a route on the caller's own resources states of its own. */
export interface OwnedRouteSpec {
  config?: FastifyContextConfig;
  summary: string;
  description?: string;
  operationId: string;
  /** The `:id` parameter, where its schema says more than `IdParams`. */
  params?: TObject<{ id: TString }>;
  /** Problem answers beyond those that follow from the route's access and shape. */
  errors?: number[];
  /** Error answers with a schema of their own (a refusal that carries an outcome). */
  refusals?: Record<number, TSchema>;
  /** The answer carries a secret shown this once: no cache may keep it. */
  noStore?: true;
}

/** An answer with a body of schema `S`. */
type Viewing<S extends TSchema> = OwnedRouteSpec & { view: S };
/** An answer with a body of schema `S` to a request with a body of schema `B`. */
type Changing<B extends TSchema, S extends TSchema> = Viewing<S> & { body: B };

/**
 * The caller's answer on the resource `id`: the service call, scoped to `userId` (someone else's
 * resource is not found, 404), with `context` for its audit event.
 */
export type OwnedAnswer<T> = (id: string, userId: string, context: RequestContext) => Promise<T>;

/** The caller's change of the resource `id` with the request's `body`. */
export type OwnedUpdate<B extends TSchema, S extends TSchema> = (
  id: string,
  userId: string,
  body: Static<B>,
  context: RequestContext,
) => Promise<Static<S>>;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Routes on the caller's own resources, declared through `route`: each states only its path,
 * documentation and service call. Its shape follows from the kind of route: the `:id` parameter
 * (and so the 404) on a route naming one resource, the caller's user id, the body, the success
 * status (201 for `create`, 204 for `delete`, else 200).
 */
export function ownedResourceRoutes(app: App, route: RouteDeclarer) {
  function register(
    method: Method,
    path: string,
    { noStore, refusals, errors, params, body, ...spec }: OwnedRouteSpec & { body?: TSchema },
    status: number,
    success: TSchema,
    answer: (request: FastifyRequest) => Promise<unknown>,
  ) {
    const declared = route({
      ...spec,
      ...(params ? { params } : {}),
      ...(body ? { body } : {}),
      response: { [status]: success, ...refusals },
      errors,
    });
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const result = await answer(request);
      if (noStore) reply.headers(NO_STORE);
      return reply.code(status).send(status === 204 ? null : result);
    };
    app.route({ method, url: path, ...declared, handler });
  }
  /** A route naming one resource by `:id`. */
  const named = <T extends OwnedRouteSpec>(spec: T) => ({ ...spec, params: spec.params ?? IdParams });
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;
  const call = <T>(request: FastifyRequest, answer: OwnedAnswer<T>) =>
    answer(idOf(request), requireIdentity(request).userId, requestContext(request));
  function change<B extends TSchema, S extends TSchema>(
    method: 'PUT' | 'PATCH',
    path: string,
    { view, ...spec }: Changing<B, S>,
    update: OwnedUpdate<B, S>,
  ) {
    register(method, path, named(spec), 200, view, async (request) =>
      update(
        idOf(request),
        requireIdentity(request).userId,
        request.body as Static<B>,
        requestContext(request),
      ),
    );
  }

  return {
    /** POST `path` with a body → 201 with `view`: creates a resource the caller owns. */
    create<B extends TSchema, S extends TSchema>(
      path: string,
      { view, ...spec }: Changing<B, S>,
      create: (userId: string, body: Static<B>, context: RequestContext) => Promise<Static<S>>,
    ) {
      register('POST', path, spec, 201, view, async (request) =>
        create(requireIdentity(request).userId, request.body as Static<B>, requestContext(request)),
      );
    },
    /** GET `path` → 200 with `view`: one of the caller's resources, or something of it. */
    get<S extends TSchema>(path: string, { view, ...spec }: Viewing<S>, find: OwnedAnswer<Static<S>>) {
      register('GET', path, named(spec), 200, view, async (request) => call(request, find));
    },
    /** POST `path` without a body → 200 with `view`: an action on one of the caller's resources. */
    post<S extends TSchema>(path: string, { view, ...spec }: Viewing<S>, act: OwnedAnswer<Static<S>>) {
      register('POST', path, named(spec), 200, view, async (request) => call(request, act));
    },
    /** PATCH `path` → 200 with `view`: changes some members of one of the caller's resources. */
    patch<B extends TSchema, S extends TSchema>(
      path: string,
      spec: Changing<B, S>,
      update: OwnedUpdate<B, S>,
    ) {
      change('PATCH', path, spec, update);
    },
    /** PUT `path` → 200 with `view`: the same, where the API says PUT. */
    put<B extends TSchema, S extends TSchema>(path: string, spec: Changing<B, S>, update: OwnedUpdate<B, S>) {
      change('PUT', path, spec, update);
    },
    /** DELETE `path` → 204 (described as `outcome`): removes or revokes one of the caller's resources. */
    delete(
      path: string,
      { outcome, ...spec }: OwnedRouteSpec & { outcome: string },
      remove: OwnedAnswer<unknown>,
    ) {
      register('DELETE', path, named(spec), 204, Type.Null({ description: outcome }), async (request) =>
        call(request, remove),
      );
    },
  };
}
