import { arrayEntries, providerApi } from './provider-api.ts';
import type { ProviderAccess, ProviderClient } from './provider-client.ts';
import { isRecord, nextLinkOf, ProviderError, stringField } from './provider-http.ts';

const LABEL = 'GitLab';
const NEEDED_SCOPE = 'read_api';
/** Scopes that include read access to the API. */
const API_SCOPES = ['api', 'read_api'];

/** The parts of GitLab's REST answers this adapter reads (the fakes in test/ answer with these). */
export interface GitLabUser {
  id: number;
  username: string;
}
export interface GitLabPersonalAccessToken {
  id: number;
  name: string;
  scopes: string[];
  active: boolean;
  revoked: boolean;
  /** A date (`2026-12-31`) or null. */
  expires_at: string | null;
}
export interface GitLabProject {
  id: number;
  path_with_namespace: string;
  visibility: 'private' | 'internal' | 'public';
  default_branch: string | null;
}
/** GitLab's OAuth-style 401/403 body, e.g. `{ error: "invalid_token", error_description: "Token has expired." }`. */
export interface GitLabErrorBody {
  error?: string;
  error_description?: string;
  message?: string;
  scope?: string;
}

/** GitLab tokens expire at the start of their expiry date, in UTC. */
function parseExpiryDate(value: unknown): Date | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function api(access: ProviderAccess, path: string) {
  return `${access.baseUrl}/api/v4${path}`;
}

const gitlab = providerApi({
  label: LABEL,
  authHeaders: (access) => ({ 'private-token': access.token }),
  unauthorized: 'GitLab rejected the token (401 Unauthorized).',
  forbidden: (what) => `GitLab refused ${what}: the token needs the "${NEEDED_SCOPE}" (or "api") scope.`,
  specialFailure: (answer) => {
    if (answer.status !== 401) return null;
    const description = stringField(answer.body, 'error_description') ?? '';
    if (/expired/i.test(description))
      return new ProviderError('token_expired', 'GitLab says the token has expired.');
    if (/revoked/i.test(description))
      return new ProviderError('invalid_token', 'GitLab says the token was revoked.');
    return null;
  },
  repository: {
    nameField: 'path_with_namespace',
    // "internal" projects are visible to every signed-in user of the instance, not to the world.
    isPrivate: (entry) => entry.visibility !== 'public',
    defaultBranch: (entry) => stringField(entry, 'default_branch'),
  },
});

export const gitlabClient: ProviderClient = {
  provider: 'gitlab',
  label: LABEL,

  async checkToken(access) {
    const { login } = await gitlab.tokenUser(access, api(access, '/user'), 'GET /user', 'username', [
      'username',
    ]);

    // Scopes and expiry come from the token's own record (GitLab 15.5+). Older instances and
    // other token kinds answer 404; then they are simply unknown.
    const self = await gitlab.get(access, api(access, '/personal_access_tokens/self'));
    if (self.status === 401) throw gitlab.failure(self, 'GET /personal_access_tokens/self');
    if (self.status !== 200 || !isRecord(self.body)) return { login, scopes: null, expiresAt: null };
    const scopes = Array.isArray(self.body.scopes)
      ? self.body.scopes.filter((s): s is string => typeof s === 'string')
      : null;
    return { login, scopes, expiresAt: parseExpiryDate(self.body.expires_at) };
  },

  missingScope(scopes) {
    if (scopes === null) return null;
    return scopes.some((s) => API_SCOPES.includes(s)) ? null : NEEDED_SCOPE;
  },

  listRepositories(access) {
    return gitlab.listRepositories(access, {
      firstUrl: api(access, '/projects?membership=true&per_page=100&order_by=id&sort=asc'),
      what: 'GET /projects',
      entries: arrayEntries,
      // Offset pagination sends X-Next-Page (empty on the last page) and a Link header; keyset
      // pagination sends only the Link header.
      nextPage: (answer, url) => {
        const link = nextLinkOf(answer.headers.get('link'));
        if (link) return link;
        const nextPage = answer.headers.get('x-next-page');
        if (!nextPage || !/^\d+$/.test(nextPage)) return null;
        const next = new URL(url);
        next.searchParams.set('page', nextPage);
        return next.toString();
      },
    });
  },

  async findRepository(access, fullName) {
    return gitlab.findRepository(
      access,
      api(access, `/projects/${encodeURIComponent(fullName)}`),
      'GET /projects/{id}',
      (answer) => answer.status === 404 || answer.status === 403,
    );
  },
};
