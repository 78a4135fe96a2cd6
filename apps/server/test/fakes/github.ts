import type {
  GitHubRepository,
  GitHubUser,
} from '../../src/modules/provider-accounts/providers/github.client.ts';
import {
  type FakeHttpServer,
  linkHeader,
  randomAlphanumeric,
  sendJson,
  startFakeHttpServer,
} from './fake-http.ts';

export interface FakeGitHubToken {
  login: string;
  /** Classic tokens list their scopes in X-OAuth-Scopes; `null` is a fine-grained token (no header). */
  scopes: string[] | null;
  expiresAt?: Date;
  repos?: GitHubRepository[];
}

export interface FakeGitHub extends FakeHttpServer {
  addToken(token: string, spec: FakeGitHubToken): void;
  /** Answers every request as GitHub does when the primary rate limit is spent. */
  rateLimited: boolean;
}

/** `2026-05-04 13:27:04 UTC`, the format of GitHub-Authentication-Token-Expiration. */
function githubExpiration(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const BAD_CREDENTIALS = {
  message: 'Bad credentials',
  documentation_url: 'https://docs.github.com/rest',
  status: '401',
};

/**
 * GitHub's REST API as documented: `GET /user`, `GET /user/repos` (paged by per_page/page with a
 * Link header), `GET /repos/{owner}/{repo}`. Expired tokens answer 401 "Bad credentials", as
 * GitHub does.
 */
export async function startFakeGitHub(): Promise<FakeGitHub> {
  const tokens = new Map<string, FakeGitHubToken>();
  // Assigned once the server listens; the handler reads the switches a test flips on it.
  let fake: FakeGitHub;

  const server = await startFakeHttpServer((request, url, response) => {
    const match = /^(?:bearer|token) (\S+)$/i.exec(request.headers.authorization ?? '');
    const spec = match ? tokens.get(match[1]!) : undefined;
    const rate = { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': fake.rateLimited ? '0' : '4999' };
    if (fake.rateLimited) {
      return sendJson(
        response,
        403,
        {
          message: 'API rate limit exceeded for user ID 1.',
          documentation_url: 'https://docs.github.com/rest',
        },
        rate,
      );
    }
    if (!spec || (spec.expiresAt && spec.expiresAt.getTime() <= Date.now())) {
      return sendJson(response, 401, BAD_CREDENTIALS, rate);
    }
    const headers: Record<string, string> = { ...rate, 'x-github-media-type': 'github.v3; format=json' };
    if (spec.scopes !== null) headers['x-oauth-scopes'] = spec.scopes.join(', ');
    if (spec.expiresAt) headers['github-authentication-token-expiration'] = githubExpiration(spec.expiresAt);

    if (request.method === 'GET' && url.pathname === '/user') {
      const user: GitHubUser = { login: spec.login, id: 1 };
      return sendJson(response, 200, user, headers);
    }
    if (request.method === 'GET' && url.pathname === '/user/repos') {
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
      const page = Number(url.searchParams.get('page') ?? 1);
      const repos = spec.repos ?? [];
      const last = Math.max(1, Math.ceil(repos.length / perPage));
      const pageUrl = (n: number) => `${fake.url}/user/repos?per_page=${perPage}&page=${n}`;
      const links: Record<string, string> = {};
      if (page < last) Object.assign(links, { next: pageUrl(page + 1), last: pageUrl(last) });
      if (page > 1) Object.assign(links, { prev: pageUrl(page - 1), first: pageUrl(1) });
      if (Object.keys(links).length > 0) headers.link = linkHeader(links);
      return sendJson(response, 200, repos.slice((page - 1) * perPage, page * perPage), headers);
    }
    const repoMatch = /^\/repos\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (request.method === 'GET' && repoMatch) {
      const fullName = `${decodeURIComponent(repoMatch[1]!)}/${decodeURIComponent(repoMatch[2]!)}`;
      const repo = spec.repos?.find((r) => r.full_name.toLowerCase() === fullName.toLowerCase());
      if (repo) return sendJson(response, 200, { id: 1, ...repo }, headers);
    }
    return sendJson(
      response,
      404,
      { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' },
      headers,
    );
  });
  fake = Object.assign(server, {
    rateLimited: false,
    addToken(token: string, spec: FakeGitHubToken) {
      tokens.set(token, spec);
    },
  });
  return fake;
}

/** A made-up classic PAT in GitHub's format: `ghp_` and 36 characters. */
export function newGitHubToken(): string {
  return `ghp_${randomAlphanumeric(36)}`;
}
