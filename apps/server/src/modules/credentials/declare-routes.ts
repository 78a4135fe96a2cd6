import type { FastifyContextConfig } from 'fastify';
import { routeDeclarer } from '../../platform/http/route-declaration.ts';
import type { RouteAuth } from './authenticate-request.ts';

/**
 * The refusals of authenticate-request.ts as routes document them: 401 wherever a credential is
 * read, 403 too where a scope or an interactive credential is needed, and 403 on a public route
 * that still runs the cross-site check (sign-in).
 */
export function accessProblems({ auth, csrfCheck }: FastifyContextConfig): number[] {
  if (auth === undefined || auth === 'public') return csrfCheck ? [403] : [];
  return auth === 'any' ? [401] : [401, 403];
}

/**
 * Declares a feature's routes (platform/http/route-declaration.ts): in the reference section
 * `tags`, accepting `auth` unless a route's `config` says otherwise.
 */
export function declareRoutes(tags: string[], auth: RouteAuth) {
  return routeDeclarer({ tags, config: { auth }, accessProblems });
}
