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
  /** No cache may keep the answer (`NO_STORE`): it carries a secret shown this once, or the caller's own state. */
  noStore?: true;
}

/** An answer with a body of schema `S`. */
type Viewing<S extends TSchema> = OwnedRouteSpec & { view: S };
/** An answer with a body of schema `S` to a request with a body of schema `B`. */
type Changing<B extends TSchema, S extends TSchema> = Viewing<S> & { body: B };
/** An answer without a body (204, described as `outcome`) to a request with a body of schema `B`. */
type Ending<B extends TSchema> = OwnedRouteSpec & { body: B; outcome: string };

/** The 204 answer of a route, described as `outcome` (Deleted, Revoked, …). */
const noContent = (outcome: string) => Type.Null({ description: outcome });

/**
 * The caller's answer on the resource `id`: the service call, scoped to the `caller` (the user id
 * unless the routes say otherwise; someone else's resource is not found, 404), with `context`
 * for its audit event.
 */
export type OwnedAnswer<T, C = string> = (id: string, caller: C, context: RequestContext) => Promise<T>;

/**
 * The caller's answer on the resource `id` to a request carrying `input`: the body of a change,
 * or the query of a read.
 */
export type OwnedAnswerWith<I extends TSchema, S extends TSchema, C = string> = (
  id: string,
  caller: C,
  input: Static<I>,
  context: RequestContext,
) => Promise<Static<S>>;

/**
 * Who the caller is to the services: their user id, or the whole identity where what the
 * credential may reach matters (a PAT's repositories, an automation token's task group).
 */
export type Caller<C> = (request: FastifyRequest) => C;

const userIdOf: Caller<string> = (request) => requireIdentity(request).userId;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Routes on the caller's own resources, declared through `route`: each states only its path,
 * documentation and service call. Its shape follows from the kind of route: the `:id` parameter
 * (and so the 404) on a route naming one resource, the caller (`caller`: the user id unless
 * given), the body or query, the success status (201 for `create` and `createIn`, 204 for
 * `delete` or an `outcome`, else 200). The answer takes the resource's id, the caller, what the
 * request carries (its body or query) and the request context, in that order, each where it has one.
 */
export function ownedResourceRoutes(app: App, route: RouteDeclarer): OwnedRoutes<string>;
export function ownedResourceRoutes<C>(app: App, route: RouteDeclarer, caller: Caller<C>): OwnedRoutes<C>;
export function ownedResourceRoutes(app: App, route: RouteDeclarer, caller: Caller<unknown> = userIdOf) {
  return ownedRoutes(app, route, caller);
}

type OwnedRoutes<C> = ReturnType<typeof ownedRoutes<C>>;

function ownedRoutes<C>(app: App, route: RouteDeclarer, callerOf: Caller<C>) {
  function register(
    method: Method,
    path: string,
    {
      noStore,
      refusals,
      errors,
      params,
      body,
      querystring,
      ...spec
    }: OwnedRouteSpec & { body?: TSchema; querystring?: TSchema },
    status: number,
    success: TSchema,
    answer: (request: FastifyRequest) => Promise<unknown>,
  ) {
    const declared = route({
      ...spec,
      ...(params ? { params } : {}),
      ...(querystring ? { querystring } : {}),
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

  // --- What the caller has that no `:id` names: a list of their resources, their settings.

  /** POST `path` with a body → 201 with `view`: creates a resource the caller owns. */
  function create<B extends TSchema, S extends TSchema>(
    path: string,
    { view, ...spec }: Changing<B, S>,
    create: (caller: C, body: Static<B>, context: RequestContext) => Promise<Static<S>>,
  ) {
    register('POST', path, spec, 201, view, (request) =>
      create(callerOf(request), request.body as Static<B>, requestContext(request)),
    );
  }

  /** GET `path` → 200 with `view`, read with what `querystring` declares (a filter, a page cursor). */
  function read<S extends TSchema, Q extends TSchema = TObject<Record<never, never>>>(
    path: string,
    { view, ...spec }: Viewing<S> & { querystring?: Q },
    read: (caller: C, query: Static<Q>, context: RequestContext) => Promise<Static<S>>,
  ) {
    register('GET', path, spec, 200, view, (request) =>
      read(callerOf(request), request.query as Static<Q>, requestContext(request)),
    );
  }

  /** POST `path` without a body → 200 with `view`: an action on all of something (mark all read). */
  function act<S extends TSchema>(
    path: string,
    { view, ...spec }: Viewing<S>,
    act: (caller: C, context: RequestContext) => Promise<Static<S>>,
  ) {
    register('POST', path, spec, 200, view, (request) => act(callerOf(request), requestContext(request)));
  }

  /**
   * `method path` with a body → 200 with `view`, or 204 (described as `outcome`): changes
   * something of the caller's (their settings, their password).
   */
  function update<B extends TSchema, S extends TSchema>(
    method: 'POST' | 'PUT' | 'PATCH',
    path: string,
    spec: Changing<B, S>,
    update: (caller: C, body: Static<B>, context: RequestContext) => Promise<Static<S>>,
  ): void;
  function update<B extends TSchema>(
    method: 'POST' | 'PUT' | 'PATCH',
    path: string,
    spec: Ending<B>,
    update: (caller: C, body: Static<B>, context: RequestContext) => Promise<unknown>,
  ): void;
  function update(
    method: 'POST' | 'PUT' | 'PATCH',
    path: string,
    { view, outcome, ...spec }: OwnedRouteSpec & { body: TSchema; view?: TSchema; outcome?: string },
    update: (caller: C, body: unknown, context: RequestContext) => Promise<unknown>,
  ) {
    const [status, success] = outcome === undefined ? [200, view as TSchema] : [204, noContent(outcome)];
    register(method, path, spec, status, success, (request) =>
      update(callerOf(request), request.body, requestContext(request)),
    );
  }

  // --- One of the caller's resources, named by `:id` in `path`.

  const named = <T extends OwnedRouteSpec>(spec: T) => ({ ...spec, params: spec.params ?? IdParams });
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;
  const call = <T>(request: FastifyRequest, answer: OwnedAnswer<T, C>) =>
    answer(idOf(request), callerOf(request), requestContext(request));
  /** The same, for a request carrying `input` (its body or its query). */
  const callWith = (request: FastifyRequest, answer: OwnedAnswerWith<TSchema, TSchema, C>, input: unknown) =>
    answer(idOf(request), callerOf(request), input, requestContext(request));

  /**
   * GET `path` → 200 with `view`: one of the caller's resources, or something of it; read with
   * what `querystring` declares where it declares one (a page of its log).
   */
  function get<S extends TSchema, Q extends TSchema>(
    path: string,
    spec: Viewing<S> & { querystring: Q },
    find: OwnedAnswerWith<Q, S, C>,
  ): void;
  function get<S extends TSchema>(path: string, spec: Viewing<S>, find: OwnedAnswer<Static<S>, C>): void;
  function get(
    path: string,
    { view, ...spec }: Viewing<TSchema> & { querystring?: TSchema },
    find: OwnedAnswerWith<TSchema, TSchema, C> | OwnedAnswer<unknown, C>,
  ) {
    register('GET', path, named(spec), 200, view, (request) =>
      spec.querystring
        ? callWith(request, find as OwnedAnswerWith<TSchema, TSchema, C>, request.query)
        : call(request, find as OwnedAnswer<unknown, C>),
    );
  }

  /** POST `path` without a body → 200 with `view`: an action on the resource. */
  function post<S extends TSchema>(
    path: string,
    { view, ...spec }: Viewing<S>,
    act: OwnedAnswer<Static<S>, C>,
  ) {
    register('POST', path, named(spec), 200, view, (request) => call(request, act));
  }

  /** `method path` with a body → `status` with `view`. */
  function change<B extends TSchema, S extends TSchema>(
    method: 'POST' | 'PUT' | 'PATCH',
    status: 200 | 201,
    path: string,
    { view, ...spec }: Changing<B, S>,
    answer: OwnedAnswerWith<B, S, C>,
  ) {
    register(method, path, named(spec), status, view, (request) => callWith(request, answer, request.body));
  }

  /** DELETE `path` → 204 (described as `outcome`): removes or revokes the resource. */
  function remove(
    path: string,
    { outcome, ...spec }: OwnedRouteSpec & { outcome: string },
    remove: OwnedAnswer<unknown, C>,
  ) {
    register('DELETE', path, named(spec), 204, noContent(outcome), (request) => call(request, remove));
  }

  /** POST `path` with a body → 201 with `view`: creates something in the resource (a task in a task group). */
  const createIn = <B extends TSchema, S extends TSchema>(
    path: string,
    spec: Changing<B, S>,
    create: OwnedAnswerWith<B, S, C>,
  ) => change('POST', 201, path, spec, create);
  /** PATCH `path` → 200 with `view`: changes some members of the resource. */
  const patch = <B extends TSchema, S extends TSchema>(
    path: string,
    spec: Changing<B, S>,
    update: OwnedAnswerWith<B, S, C>,
  ) => change('PATCH', 200, path, spec, update);
  /** PUT `path` → 200 with `view`: the same, where the API says PUT. */
  const put = <B extends TSchema, S extends TSchema>(
    path: string,
    spec: Changing<B, S>,
    update: OwnedAnswerWith<B, S, C>,
  ) => change('PUT', 200, path, spec, update);

  /**
   * The routes at `path`, the one resource it names by `:id`, its path stated once for all of
   * them: `at(path).get(spec, find)` is `get(path, spec, find)`, likewise post, patch, put, delete
   * (a read with a query goes through `get(path, …)` itself).
   */
  function at(path: string) {
    const on =
      <A extends unknown[]>(method: (path: string, ...rest: A) => void) =>
      (...rest: A) =>
        method(path, ...rest);
    return { get: on(get), post: on(post), patch: on(patch), put: on(put), delete: on(remove) };
  }

  return { create, read, act, update, get, post, createIn, patch, put, delete: remove, at };
}
