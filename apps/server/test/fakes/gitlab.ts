import type {
  GitLabErrorBody,
  GitLabPersonalAccessToken,
  GitLabProject,
  GitLabUser,
} from '../../src/modules/provider-accounts/providers/gitlab.client.ts';
import {
  type FakeHttpServer,
  linkHeader,
  randomAlphanumeric,
  sendJson,
  startFakeHttpServer,
} from './fake-http.ts';

export interface FakeGitLabToken {
  username: string;
  scopes: string[];
  /** `YYYY-MM-DD`, as GitLab stores it. */
  expiresAt?: string | null;
  state?: 'active' | 'expired' | 'revoked';
  projects?: GitLabProject[];
}

export interface FakeGitLab extends FakeHttpServer {
  addToken(token: string, spec: FakeGitLabToken): void;
  /** Send only X-Next-Page, not the Link header (as some proxies strip it). */
  omitLinkHeader: boolean;
}

const READ_USER = ['api', 'read_api', 'read_user'];
const READ_API = ['api', 'read_api'];

function insufficientScope(): GitLabErrorBody {
  return {
    error: 'insufficient_scope',
    error_description: 'The request requires higher privileges than provided by the access token.',
    scope: 'api read_api',
  };
}

/**
 * GitLab's REST API v4 as documented: `GET /api/v4/user`, `GET /api/v4/personal_access_tokens/self`,
 * `GET /api/v4/projects?membership=true` (offset pagination with X-Next-Page and Link headers),
 * `GET /api/v4/projects/:id` (id or URL-encoded path). Tokens go in PRIVATE-TOKEN or
 * `Authorization: Bearer`; expired and revoked tokens get GitLab's OAuth-style 401 bodies.
 */
export async function startFakeGitLab(): Promise<FakeGitLab> {
  const tokens = new Map<string, FakeGitLabToken>();
  let fake: FakeGitLab;

  const server = await startFakeHttpServer((request, url, response) => {
    const bearer = /^bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const presented = (request.headers['private-token'] as string | undefined) ?? bearer;
    const spec = presented ? tokens.get(presented) : undefined;
    if (!spec) return sendJson(response, 401, { message: '401 Unauthorized' });
    if (spec.state === 'expired') {
      const body: GitLabErrorBody = { error: 'invalid_token', error_description: 'Token has expired.' };
      return sendJson(response, 401, body, {
        'www-authenticate': 'Bearer realm="", error="invalid_token", error_description="Token has expired."',
      });
    }
    if (spec.state === 'revoked') {
      const body: GitLabErrorBody = {
        error: 'invalid_token',
        error_description: 'Token was revoked. You have to re-authorize from the user.',
      };
      return sendJson(response, 401, body);
    }
    const has = (accepted: string[]) => spec.scopes.some((s) => accepted.includes(s));
    const path = url.pathname;

    if (path === '/api/v4/user') {
      if (!has(READ_USER)) return sendJson(response, 403, insufficientScope());
      const user: GitLabUser = { id: 1, username: spec.username };
      return sendJson(response, 200, user);
    }
    if (path === '/api/v4/personal_access_tokens/self') {
      const self: GitLabPersonalAccessToken = {
        id: 7,
        name: 'tessera',
        scopes: spec.scopes,
        active: true,
        revoked: false,
        expires_at: spec.expiresAt ?? null,
      };
      return sendJson(response, 200, self);
    }
    if (path === '/api/v4/projects') {
      if (!has(READ_API)) return sendJson(response, 403, insufficientScope());
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 20), 100);
      const page = Number(url.searchParams.get('page') ?? 1);
      const projects = url.searchParams.get('membership') === 'true' ? (spec.projects ?? []) : [];
      const totalPages = Math.max(1, Math.ceil(projects.length / perPage));
      const pageUrl = (n: number) => {
        const next = new URL(`${fake.url}${path}`);
        for (const [k, v] of url.searchParams) next.searchParams.set(k, v);
        next.searchParams.set('page', String(n));
        return next.toString();
      };
      const headers: Record<string, string> = {
        'x-page': String(page),
        'x-per-page': String(perPage),
        'x-next-page': page < totalPages ? String(page + 1) : '',
        'x-prev-page': page > 1 ? String(page - 1) : '',
        'x-total': String(projects.length),
        'x-total-pages': String(totalPages),
      };
      const links: Record<string, string> = { first: pageUrl(1), last: pageUrl(totalPages) };
      if (page < totalPages) links.next = pageUrl(page + 1);
      if (page > 1) links.prev = pageUrl(page - 1);
      if (!fake.omitLinkHeader) headers.link = linkHeader(links);
      return sendJson(response, 200, projects.slice((page - 1) * perPage, page * perPage), headers);
    }
    const projectMatch = /^\/api\/v4\/projects\/([^/]+)$/.exec(path);
    if (projectMatch) {
      if (!has(READ_API)) return sendJson(response, 403, insufficientScope());
      const id = decodeURIComponent(projectMatch[1]!);
      const project = spec.projects?.find((p) => p.path_with_namespace === id || String(p.id) === id);
      if (project) return sendJson(response, 200, project);
      return sendJson(response, 404, { message: '404 Project Not Found' });
    }
    return sendJson(response, 404, { error: '404 Not Found' });
  });

  fake = Object.assign(server, {
    omitLinkHeader: false,
    addToken(token: string, spec: FakeGitLabToken) {
      tokens.set(token, spec);
    },
  });
  return fake;
}

/** A made-up personal access token in GitLab's format: `glpat-` and 20 characters. */
export function newGitLabToken(): string {
  return `glpat-${randomAlphanumeric(20)}`;
}
