import type { ProviderName } from '../../schema.ts';

/**
 * Known token prefixes, so that a token pasted under the wrong provider is refused at input with
 * a message that helps, instead of failing later at the provider. Only the prefix is ever
 * named back to the user, never the token.
 */
interface TokenFamily {
  provider: ProviderName | 'tessera';
  prefix: string;
  label: string;
  /** Why this kind of token cannot act as the user through the provider's REST API, if it cannot. */
  unusable?: string;
}

// Longest prefixes first: `github_pat_` before anything shorter, `ATATT` before `ATBB`.
const FAMILIES: TokenFamily[] = [
  { provider: 'github', prefix: 'github_pat_', label: 'a GitHub fine-grained personal access token' },
  { provider: 'github', prefix: 'ghp_', label: 'a GitHub personal access token (classic)' },
  { provider: 'github', prefix: 'gho_', label: 'a GitHub OAuth token' },
  { provider: 'github', prefix: 'ghu_', label: 'a GitHub App user token' },
  { provider: 'github', prefix: 'ghs_', label: 'a GitHub App installation token' },
  {
    provider: 'github',
    prefix: 'ghr_',
    label: 'a GitHub refresh token',
    unusable: 'a refresh token cannot call the API; create a personal access token instead',
  },
  { provider: 'gitlab', prefix: 'glpat-', label: 'a GitLab personal access token' },
  {
    provider: 'gitlab',
    prefix: 'gldt-',
    label: 'a GitLab deploy token',
    unusable:
      'a deploy token cannot read the API as a user; create a personal access token (glpat-…) instead',
  },
  {
    provider: 'gitlab',
    prefix: 'glrt-',
    label: 'a GitLab runner token',
    unusable:
      'a runner token cannot read the API as a user; create a personal access token (glpat-…) instead',
  },
  {
    provider: 'gitlab',
    prefix: 'glft-',
    label: 'a GitLab feed token',
    unusable: 'a feed token cannot read the API; create a personal access token (glpat-…) instead',
  },
  { provider: 'bitbucket', prefix: 'ATATT', label: 'an Atlassian API token' },
  { provider: 'bitbucket', prefix: 'ATBB', label: 'a Bitbucket app password' },
  { provider: 'bitbucket', prefix: 'ATCTT', label: 'a Bitbucket access token' },
  {
    provider: 'tessera',
    prefix: 'tes_',
    label: 'a Tessera token',
    unusable: 'this field takes a token issued by the provider, not by Tessera',
  },
];

const PROVIDER_LABELS: Record<ProviderName, string> = {
  github: 'GitHub',
  gitlab: 'GitLab',
  bitbucket: 'Bitbucket',
};

const WHAT_TO_PASTE: Record<ProviderName, string> = {
  github: 'a GitHub personal access token (ghp_… or github_pat_…)',
  gitlab: 'a GitLab personal access token (glpat-…)',
  bitbucket: 'an Atlassian API token (ATATT…) or a Bitbucket app password (ATBB…)',
};

export function recogniseToken(token: string): TokenFamily | null {
  return FAMILIES.find((family) => token.startsWith(family.prefix)) ?? null;
}

/** Why this token cannot be stored for this provider, or null when it may be. */
export function tokenProblemFor(provider: ProviderName, token: string): string | null {
  const family = recogniseToken(token);
  if (!family) return null;
  if (family.provider !== provider) {
    const owner = family.provider === 'tessera' ? 'Tessera' : PROVIDER_LABELS[family.provider];
    return `This looks like ${family.label} (it starts with "${family.prefix}"), which belongs to ${owner}, not ${PROVIDER_LABELS[provider]}. Paste ${WHAT_TO_PASTE[provider]}, or choose the provider the token belongs to.`;
  }
  if (family.unusable) return `This looks like ${family.label}: ${family.unusable}.`;
  return null;
}

/**
 * What lists show of a stored token: its first and last four characters (`ghp_…wxyz`), fewer
 * for a token too short for that to leave most of it unsaid.
 */
export function previewProviderToken(token: string): string {
  if (token.length >= 24) return `${token.slice(0, 4)}…${token.slice(-4)}`;
  if (token.length >= 12) return `…${token.slice(-2)}`;
  return '…';
}
