import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { acceptsHtml } from './accepts-html.ts';
import { isApiPath } from './error-handler.ts';

/** Whether a built single-page web app (its index.html) is in `root`. */
export function hasWebApp(root: string): boolean {
  return existsSync(path.join(root, 'index.html'));
}

/**
 * For the not-found handler: a browser navigating to an unknown non-API path gets the app's
 * index.html. Anything else (curl, an API client with a base URL missing /api) gets a 404 that
 * says where the API is, never a 200 web page that looks like success (docs/api.md §5).
 */
export function webAppFallback(request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (isApiPath(request.url) || !acceptsHtml(request.headers.accept)) return false;
  reply.type('text/html; charset=utf-8').sendFile('index.html');
  return true;
}

/** Serves the built web app's files at /. */
export const webApp = fp(
  async (app: FastifyInstance, options: { root: string }) => {
    await app.register(fastifyStatic, { root: options.root, wildcard: false, index: ['index.html'] });
  },
  { name: 'web-app' },
);
