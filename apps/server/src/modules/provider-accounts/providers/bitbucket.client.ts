import type { ProviderAccess, ProviderClient, RepositorySummary } from './provider-client.ts';
import {
  isRecord,
  listAllPages,
  ProviderError,
  type ProviderRequest,
  type ProviderResponse,
  providerGet,
  stringField,
  unexpectedAnswer,
} from './provider-http.ts';

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

/** A call's headers, time limit, fetch and label, with the credentials as Bitbucket wants them. */
function requestFor(access: ProviderAccess): Omit<ProviderRequest, 'url'> {
  const basic = Buffer.from(`${access.username ?? ''}:${access.token}`, 'utf8').toString('base64');
  return {
    headers: { authorization: `Basic ${basic}` },
    timeoutMs: access.timeoutMs,
    fetch: access.fetch,
    label: LABEL,
  };
}

function failure(answer: ProviderResponse, what: string): ProviderError {
  if (answer.status === 401) {
    return new ProviderError(
      'invalid_token',
      'Bitbucket rejected the credentials: check the token and the username (the account e-mail for an API token).',
    );
  }
  if (answer.status === 403) {
    return new ProviderError(
      'insufficient_permissions',
      `Bitbucket refused ${what}: the token needs the "read:user:bitbucket" and "read:repository:bitbucket" scopes (Account: Read and Repositories: Read for an app password).`,
    );
  }
  return unexpectedAnswer(LABEL, answer.status, what);
}

function toSummary(item: unknown): RepositorySummary | null {
  if (!isRecord(item) || typeof item.full_name !== 'string') return null;
  return {
    full_name: item.full_name,
    private: item.is_private === true,
    default_branch: stringField(item.mainbranch, 'name'),
  };
}

export const bitbucketClient: ProviderClient = {
  provider: 'bitbucket',
  label: LABEL,

  async checkToken(access) {
    const answer = await providerGet({
      url: `${access.baseUrl}/2.0/user`,
      ...requestFor(access),
    });
    if (answer.status !== 200) throw failure(answer, 'GET /2.0/user');
    const login =
      stringField(answer.body, 'username') ??
      stringField(answer.body, 'nickname') ??
      stringField(answer.body, 'display_name');
    if (!login)
      throw new ProviderError('unreachable', 'Bitbucket answered GET /2.0/user without a username.');
    const header = answer.headers.get('x-oauth-scopes');
    const scopes =
      header === null
        ? null
        : header
            .split(/[,\s]+/)
            .map((s) => s.trim())
            .filter(Boolean);
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
    return listAllPages({
      firstUrl: `${access.baseUrl}/2.0/repositories?role=member&pagelen=100`,
      baseUrl: access.baseUrl,
      request: {
        ...requestFor(access),
      },
      what: 'GET /2.0/repositories',
      failure,
      entries: (body) => (isRecord(body) && Array.isArray(body.values) ? body.values : null),
      nextPage: (answer) => stringField(answer.body, 'next'),
      toItem: toSummary,
    });
  },

  async findRepository(access, fullName) {
    const [workspace, slug] = fullName.split('/');
    const answer = await providerGet({
      url: `${access.baseUrl}/2.0/repositories/${encodeURIComponent(workspace!)}/${encodeURIComponent(slug!)}`,
      ...requestFor(access),
    });
    if (answer.status === 404 || answer.status === 403) return null;
    if (answer.status !== 200) throw failure(answer, 'GET /2.0/repositories/{workspace}/{repo_slug}');
    return toSummary(answer.body);
  },
};
