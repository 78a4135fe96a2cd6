import { arrayEntries, listedScopes, providerApi } from './provider-api.ts';
import type { ProviderClient } from './provider-client.ts';
import { nextLinkOf, ProviderError, type ProviderResponse, stringField } from './provider-http.ts';

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

const github = providerApi({
  label: LABEL,
  authHeaders: (access) => ({
    authorization: `Bearer ${access.token}`,
    accept: 'application/vnd.github+json',
    'x-github-api-version': '2022-11-28',
  }),
  unauthorized: 'GitHub rejected the token (bad credentials).',
  forbidden: (what) =>
    `GitHub refused ${what}: a classic token needs the "${NEEDED_SCOPE}" scope; a fine-grained token needs read access to Metadata.`,
  specialFailure: (answer) =>
    isRateLimited(answer)
      ? new ProviderError('unreachable', 'GitHub rate limit reached; try again later.')
      : null,
  repository: {
    nameField: 'full_name',
    isPrivate: (entry) => entry.private === true,
    defaultBranch: (entry) => stringField(entry, 'default_branch'),
  },
});

export const githubClient: ProviderClient = {
  provider: 'github',
  label: LABEL,

  async checkToken(access) {
    const { answer, login } = await github.tokenUser(access, `${access.baseUrl}/user`, 'GET /user', 'login', [
      'login',
    ]);
    return {
      login,
      // Classic tokens list their scopes; fine-grained tokens send no header at all.
      scopes: listedScopes(answer.headers.get('x-oauth-scopes'), ','),
      expiresAt: parseGitHubExpiration(answer.headers.get('github-authentication-token-expiration')),
    };
  },

  missingScope(scopes) {
    if (scopes === null) return null;
    return scopes.includes(NEEDED_SCOPE) ? null : NEEDED_SCOPE;
  },

  listRepositories(access) {
    return github.listRepositories(access, {
      firstUrl: `${access.baseUrl}/user/repos?per_page=100&sort=full_name`,
      what: 'GET /user/repos',
      entries: arrayEntries,
      nextPage: (answer) => nextLinkOf(answer.headers.get('link')),
    });
  },

  async findRepository(access, fullName) {
    const [owner, repo] = fullName.split('/');
    return github.findRepository(
      access,
      `${access.baseUrl}/repos/${encodeURIComponent(owner!)}/${encodeURIComponent(repo!)}`,
      'GET /repos/{owner}/{repo}',
      // 404 for a private repository the token cannot see, 301 for a renamed one: not visible as named.
      (answer) =>
        answer.status === 404 || answer.status === 301 || (answer.status === 403 && !isRateLimited(answer)),
    );
  },
};
