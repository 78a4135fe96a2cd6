import type {
  BitbucketPage,
  BitbucketRepository,
  BitbucketUser,
} from '../../src/modules/provider-accounts/providers/bitbucket.client.ts';
import { type FakeHttpServer, randomAlphanumeric, sendJson, startFakeHttpServer } from './fake-http.ts';

export interface FakeBitbucketCredential {
  /** The Bitbucket username /2.0/user reports. */
  username: string;
  /** Atlassian API token scopes (`read:user:bitbucket`, …) or app-password permissions (`account`, `repository`). */
  scopes: string[];
  repos?: BitbucketRepository[];
}

export interface FakeBitbucket extends FakeHttpServer {
  /** `login` is what goes before the colon in HTTP Basic: the account e-mail or the username. */
  addCredential(login: string, token: string, spec: FakeBitbucketCredential): void;
}

const READ_USER = ['account', 'read:user:bitbucket'];
const READ_REPOSITORY = [
  'repository',
  'repository:write',
  'read:repository:bitbucket',
  'write:repository:bitbucket',
];

function error(message: string, detail?: unknown) {
  return { type: 'error', error: { message, ...(detail ? { detail } : {}) } };
}

/**
 * Bitbucket Cloud's REST API 2.0 as documented: HTTP Basic (e-mail + API token, or username +
 * app password), `GET /2.0/user`, `GET /2.0/repositories?role=member` (paged through `next`),
 * `GET /2.0/repositories/{workspace}/{repo_slug}`; scopes reported in X-OAuth-Scopes.
 */
export async function startFakeBitbucket(): Promise<FakeBitbucket> {
  const credentials = new Map<string, FakeBitbucketCredential>();
  let fake: FakeBitbucket;

  const server = await startFakeHttpServer((request, url, response) => {
    const basic = /^basic (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const spec = basic ? credentials.get(Buffer.from(basic, 'base64').toString('utf8')) : undefined;
    if (!spec) {
      return sendJson(response, 401, error('Unauthorized'), {
        'www-authenticate': 'Basic realm="Bitbucket.org HTTP"',
      });
    }
    const headers = { 'x-oauth-scopes': spec.scopes.join(', '), 'x-credential-type': 'apppassword' };
    const lacking = (required: string[]) =>
      spec.scopes.some((s) => required.includes(s))
        ? null
        : error('Your credentials lack one or more required privilege scopes.', {
            granted: spec.scopes,
            required: [required[0]],
          });

    if (url.pathname === '/2.0/user') {
      const denied = lacking(READ_USER);
      if (denied) return sendJson(response, 403, denied, headers);
      const user: BitbucketUser = {
        username: spec.username,
        display_name: spec.username,
        account_id: '1:abc',
      };
      return sendJson(response, 200, user, headers);
    }
    if (url.pathname === '/2.0/repositories') {
      const denied = lacking(READ_REPOSITORY);
      if (denied) return sendJson(response, 403, denied, headers);
      const pagelen = Math.min(Number(url.searchParams.get('pagelen') ?? 10), 100);
      const page = Number(url.searchParams.get('page') ?? 1);
      const repos = url.searchParams.get('role') === 'member' ? (spec.repos ?? []) : [];
      const body: BitbucketPage<BitbucketRepository> & { page: number; size: number } = {
        pagelen,
        page,
        size: repos.length,
        values: repos.slice((page - 1) * pagelen, page * pagelen),
      };
      if (page * pagelen < repos.length) {
        body.next = `${fake.url}/2.0/repositories?role=member&pagelen=${pagelen}&page=${page + 1}`;
      }
      return sendJson(response, 200, body, headers);
    }
    const repoMatch = /^\/2\.0\/repositories\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (repoMatch) {
      const denied = lacking(READ_REPOSITORY);
      if (denied) return sendJson(response, 403, denied, headers);
      const fullName = `${decodeURIComponent(repoMatch[1]!)}/${decodeURIComponent(repoMatch[2]!)}`;
      const repo = spec.repos?.find((r) => r.full_name === fullName);
      if (repo) return sendJson(response, 200, { type: 'repository', ...repo }, headers);
      return sendJson(response, 404, error(`Repository ${fullName} not found`), headers);
    }
    return sendJson(response, 404, error('Resource not found'), headers);
  });

  fake = Object.assign(server, {
    addCredential(login: string, token: string, spec: FakeBitbucketCredential) {
      credentials.set(`${login}:${token}`, spec);
    },
  });
  return fake;
}

/** A made-up Atlassian API token (`ATATT…`). */
export function newAtlassianApiToken(): string {
  return `ATATT3xFfGF0${randomAlphanumeric(180)}`;
}

/** A made-up Bitbucket app password (`ATBB…`), the legacy kind. */
export function newBitbucketAppPassword(): string {
  return `ATBB${randomAlphanumeric(32)}`;
}
