import type { ProviderAccess, RepositorySummary } from './provider-client.ts';
import {
  isRecord,
  listAllPages,
  type PagedListing,
  ProviderError,
  type ProviderRequest,
  type ProviderResponse,
  providerGet,
  stringField,
  unexpectedAnswer,
} from './provider-http.ts';

/** What differs between providers in how they are called; `providerApi` does the rest once. */
export interface ProviderDialect {
  /** "GitHub", "GitLab", "Bitbucket": used in messages a user reads. */
  label: string;
  /** The account's credentials as the provider wants them. */
  authHeaders(access: ProviderAccess): Record<string, string>;
  /** What a 401 means to the user. */
  unauthorized: string;
  /** What a 403 to `what` means to the user: the scope or permission the token lacks. */
  forbidden(what: string): string;
  /** An answer the provider means otherwise, read before the 401/403 rule (a rate limit, an expired token). */
  specialFailure?(answer: ProviderResponse): ProviderError | null;
  /** Where a repository entry keeps what a summary shows; the name field is the `owner/name` path. */
  repository: {
    nameField: string;
    isPrivate(entry: Record<string, unknown>): boolean;
    defaultBranch(entry: Record<string, unknown>): string | null;
  };
}

/** A repository listing as a provider pages it (the call, where its entries are, the next page). */
export type RepositoryListing = Pick<
  PagedListing<RepositorySummary>,
  'firstUrl' | 'what' | 'entries' | 'nextPage'
>;

/**
 * One provider's calls with an account's credentials, its failures as ProviderError and its
 * repository entries as summaries. `what` names a call in messages (`GET /user/repos`).
 */
export function providerApi(dialect: ProviderDialect) {
  const { label, repository } = dialect;

  function failure(answer: ProviderResponse, what: string): ProviderError {
    const special = dialect.specialFailure?.(answer);
    if (special) return special;
    if (answer.status === 401) return new ProviderError('invalid_token', dialect.unauthorized);
    if (answer.status === 403) return new ProviderError('insufficient_permissions', dialect.forbidden(what));
    return unexpectedAnswer(label, answer.status, what);
  }

  function toSummary(item: unknown): RepositorySummary | null {
    if (!isRecord(item)) return null;
    const fullName = item[repository.nameField];
    if (typeof fullName !== 'string') return null;
    return {
      full_name: fullName,
      private: repository.isPrivate(item),
      default_branch: repository.defaultBranch(item),
    };
  }

  const request = (access: ProviderAccess): Omit<ProviderRequest, 'url'> => ({
    headers: dialect.authHeaders(access),
    timeoutMs: access.timeoutMs,
    fetch: access.fetch,
    label,
  });

  /** One GET with the account's credentials, as answered. */
  const get = (access: ProviderAccess, url: string) => providerGet({ url, ...request(access) });

  return {
    get,
    failure,
    toSummary,

    /** The token's user: the answer and its login, the first of `fields` the body has (`noun` in the error). */
    async tokenUser(access: ProviderAccess, url: string, what: string, noun: string, fields: string[]) {
      const answer = await get(access, url);
      if (answer.status !== 200) throw failure(answer, what);
      const login = fields.map((field) => stringField(answer.body, field)).find((value) => value !== null);
      if (!login) throw new ProviderError('unreachable', `${label} answered ${what} without a ${noun}.`);
      return { answer, login };
    },

    /** Every repository of a listing, to its last page. */
    listRepositories(access: ProviderAccess, listing: RepositoryListing) {
      return listAllPages({
        ...listing,
        baseUrl: access.baseUrl,
        request: request(access),
        failure,
        toItem: toSummary,
      });
    },

    /** One repository, or null when `hidden` says the token cannot see it as named (a 404, say). */
    async findRepository(
      access: ProviderAccess,
      url: string,
      what: string,
      hidden: (answer: ProviderResponse) => boolean,
    ): Promise<RepositorySummary | null> {
      const answer = await get(access, url);
      if (hidden(answer)) return null;
      if (answer.status !== 200) throw failure(answer, what);
      return toSummary(answer.body);
    },
  };
}

/** The scopes a provider lists in a header, or null when it sends none (it does not say). */
export function listedScopes(header: string | null, separator: string | RegExp): string[] | null {
  if (header === null) return null;
  return header
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A listing's body when it is a plain array of entries. */
export function arrayEntries(body: unknown): unknown[] | null {
  return Array.isArray(body) ? body : null;
}
