import { listedScopes, providerApi } from './provider-api.ts';
import type { ProviderClient } from './provider-client.ts';
import { isRecord, stringField } from './provider-http.ts';

const LABEL = 'Bitbucket';
/** Read access to repositories, as an Atlassian API token scope and as an app-password permission. */
const REPOSITORY_READ = [
  'read:repository:bitbucket',
  'write:repository:bitbucket',
  'admin:repository:bitbucket',
];
const LEGACY_REPOSITORY_READ = ['repository', 'repository:write', 'repository:admin'];

/** The parts of Bitbucket Cloud's REST answers this adapter reads (the fakes in test/ answer with these). */
export interface BitbucketUser {
  username: string;
  display_name: string;
  account_id: string;
}
export interface BitbucketRepository {
  full_name: string;
  is_private: boolean;
  mainbranch: { name: string; type: 'branch' } | null;
}
export interface BitbucketPage<T> {
  values: T[];
  pagelen: number;
  next?: string;
}

/**
 * Atlassian API tokens (`ATATT…`) and legacy app passwords (`ATBB…`) both use HTTP Basic: the
 * first with the account e-mail, the second with the Bitbucket username.
 */
export function bitbucketCredentialKind(token: string, username: string): 'api_token' | 'app_password' {
  if (token.startsWith('ATATT')) return 'api_token';
  if (token.startsWith('ATBB')) return 'app_password';
  return username.includes('@') ? 'api_token' : 'app_password';
}

const bitbucket = providerApi({
  label: LABEL,
  authHeaders: (access) => ({
    authorization: `Basic ${Buffer.from(`${access.username ?? ''}:${access.token}`, 'utf8').toString('base64')}`,
  }),
  unauthorized:
    'Bitbucket rejected the credentials: check the token and the username (the account e-mail for an API token).',
  forbidden: (what) =>
    `Bitbucket refused ${what}: the token needs the "read:user:bitbucket" and "read:repository:bitbucket" scopes (Account: Read and Repositories: Read for an app password).`,
  repository: {
    nameField: 'full_name',
    isPrivate: (entry) => entry.is_private === true,
    defaultBranch: (entry) => stringField(entry.mainbranch, 'name'),
  },
});

export const bitbucketClient: ProviderClient = {
  provider: 'bitbucket',
  label: LABEL,

  async checkToken(access) {
    const { answer, login } = await bitbucket.tokenUser(
      access,
      `${access.baseUrl}/2.0/user`,
      'GET /2.0/user',
      'username',
      ['username', 'nickname', 'display_name'],
    );
    const scopes = listedScopes(answer.headers.get('x-oauth-scopes'), /[,\s]+/);
    // Bitbucket does not report when a token expires.
    return { login, scopes, expiresAt: null };
  },

  missingScope(scopes) {
    if (scopes === null) return null;
    const legacy = scopes.some((s) => !s.includes(':bitbucket'));
    const accepted = legacy ? [...LEGACY_REPOSITORY_READ, ...REPOSITORY_READ] : REPOSITORY_READ;
    if (scopes.some((s) => accepted.includes(s))) return null;
    return legacy ? 'repository' : 'read:repository:bitbucket';
  },

  listRepositories(access) {
    return bitbucket.listRepositories(access, {
      firstUrl: `${access.baseUrl}/2.0/repositories?role=member&pagelen=100`,
      what: 'GET /2.0/repositories',
      entries: (body) => (isRecord(body) && Array.isArray(body.values) ? body.values : null),
      nextPage: (answer) => stringField(answer.body, 'next'),
    });
  },

  async findRepository(access, fullName) {
    const [workspace, slug] = fullName.split('/');
    return bitbucket.findRepository(
      access,
      `${access.baseUrl}/2.0/repositories/${encodeURIComponent(workspace!)}/${encodeURIComponent(slug!)}`,
      'GET /2.0/repositories/{workspace}/{repo_slug}',
      (answer) => answer.status === 404 || answer.status === 403,
    );
  },
};
