import type { ProviderName } from '../../../schema.ts';
import type { ProviderFetch } from './provider-http.ts';

/** What an adapter needs to call a provider; the token is decrypted just before and dropped after. */
export interface ProviderAccess {
  token: string;
  /** Bitbucket only: the Atlassian account e-mail (API token) or Bitbucket username (app password). */
  username: string | null;
  /** The API root: GitHub's API URL, a GitLab instance URL, Bitbucket's API URL. */
  baseUrl: string;
  timeoutMs: number;
  /** Every call goes through this (the outbound guard's fetch). */
  fetch: ProviderFetch;
}

export interface TokenIdentity {
  login: string;
  /** The token's scopes as the provider reports them; null when it does not say (fine-grained tokens). */
  scopes: string[] | null;
  expiresAt: Date | null;
}

export interface RepositorySummary {
  full_name: string;
  private: boolean;
  default_branch: string | null;
}

/**
 * One provider's REST API. Methods throw ProviderError for every failure (bad token, missing
 * permission, unreachable); `findRepository` answers null for a repository the token cannot see.
 */
export interface ProviderClient {
  provider: ProviderName;
  label: string;
  checkToken(access: ProviderAccess): Promise<TokenIdentity>;
  /** The scope this integration needs that the reported scopes lack, or null when nothing is missing. */
  missingScope(scopes: string[] | null): string | null;
  listRepositories(access: ProviderAccess): Promise<RepositorySummary[]>;
  findRepository(access: ProviderAccess, fullName: string): Promise<RepositorySummary | null>;
}
