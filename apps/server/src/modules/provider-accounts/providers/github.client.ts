import type { ProviderAccess, ProviderClient, RepositorySummary } from './provider-client.ts';
import {
  isRecord,
  listAllPages,
  nextLinkOf,
  ProviderError,
  type ProviderRequest,
  type ProviderResponse,
  providerGet,
  stringField,
  unexpectedAnswer,
} from './provider-http.ts';

const LABEL = 'GitHub';
const NEEDED_SCOPE = 'repo';

/** The parts of GitHub's REST answers this adapter reads (the fakes in test/ answer with these). */
export interface GitHubUser {
  login: string;
  id: number;
}
export interface GitHubRepository {
  full_name: string;
  private: boolean;
  default_branch: string;
}

/** A call's headers, time limit, fetch and label, with the token as GitHub wants it. */
function requestFor(access: ProviderAccess): Omit<ProviderRequest, 'url'> {
  const headers = {
    authorization: `Bearer ${access.token}`,
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
  };
  return { headers, timeoutMs: access.timeoutMs, fetch: access.fetch, label: LABEL };
}

/** `GitHub-Authentication-Token-Expiration: 2026-05-04 13:27:04 UTC` (or with a numeric offset). */
export function parseGitHubExpiration(value: string | null): Date | null {
  if (!value) return null;
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ?(UTC|[+-]\d{2}:?\d{2})$/.exec(value.trim());
  if (!match) return null;
  const zone = match[3] === 'UTC' ? 'Z' : match[3]!.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const date = new Date(`${match[1]}T${match[2]}${zone}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

function isRateLimited(answer: ProviderResponse) {
  return (
    answer.status === 429 || (answer.status === 403 && answer.headers.get('x-ratelimit-remaining') === '0')
  );
}

function failure(answer: ProviderResponse, what: string): ProviderError {
  if (answer.status === 401)
    return new ProviderError('invalid_token', 'GitHub rejected the token (bad credentials).');
  if (isRateLimited(answer))
    return new ProviderError('unreachable', 'GitHub rate limit reached; try again later.');
  if (answer.status === 403) {
    return new ProviderError(
      'insufficient_permissions',
      `GitHub refused ${what}: a classic token needs the "${NEEDED_SCOPE}" scope; a fine-grained token needs read access to Metadata.`,
    );
  }
  return unexpectedAnswer(LABEL, answer.status, what);
}

function toSummary(item: unknown): RepositorySummary | null {
  if (!isRecord(item) || typeof item.full_name !== 'string') return null;
  return {
    full_name: item.full_name,
    private: item.private === true,
    default_branch: typeof item.default_branch === 'string' ? item.default_branch : null,
  };
}

export const githubClient: ProviderClient = {
  provider: 'github',
  label: LABEL,

  async checkToken(access) {
    const answer = await providerGet({
      url: `${access.baseUrl}/user`,
      ...requestFor(access),
    });
    if (answer.status !== 200) throw failure(answer, 'GET /user');
    const login = stringField(answer.body, 'login');
    if (!login) throw new ProviderError('unreachable', 'GitHub answered GET /user without a login.');
    // Classic tokens list their scopes; fine-grained tokens send no header at all.
    const header = answer.headers.get('x-oauth-scopes');
    const scopes =
      header === null
        ? null
        : header
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
    return {
      login,
      scopes,
      expiresAt: parseGitHubExpiration(answer.headers.get('github-authentication-token-expiration')),
    };
  },

  missingScope(scopes) {
    if (scopes === null) return null;
    return scopes.includes(NEEDED_SCOPE) ? null : NEEDED_SCOPE;
  },

  listRepositories(access) {
    return listAllPages({
      firstUrl: `${access.baseUrl}/user/repos?per_page=100&sort=full_name`,
      baseUrl: access.baseUrl,
      request: {
        ...requestFor(access),
      },
      what: 'GET /user/repos',
      failure,
      entries: (body) => (Array.isArray(body) ? body : null),
      nextPage: (answer) => nextLinkOf(answer.headers.get('link')),
      toItem: toSummary,
    });
  },

  async findRepository(access, fullName) {
    const [owner, repo] = fullName.split('/');
    const answer = await providerGet({
      url: `${access.baseUrl}/repos/${encodeURIComponent(owner!)}/${encodeURIComponent(repo!)}`,
      ...requestFor(access),
    });
    // 404 for a private repository the token cannot see, 301 for a renamed one: not visible as named.
    if (answer.status === 404 || answer.status === 301) return null;
    if (answer.status === 403 && !isRateLimited(answer)) return null;
    if (answer.status !== 200) throw failure(answer, 'GET /repos/{owner}/{repo}');
    return toSummary(answer.body);
  },
};
