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

/** Who issues a kind of token, as messages name it, and its families by prefix: each a label, or a label and why it is unusable. */
interface Issuer {
  name: string;
  families: Record<string, string | Required<Pick<TokenFamily, 'label' | 'unusable'>>>;
}

/** The issuers of the tokens people paste; a provider also says what to paste instead. */
const ISSUERS: Record<ProviderName, Issuer & { whatToPaste: string }> & { tessera: Issuer } = {
  // Longest prefixes first: `github_pat_` before anything shorter, `ATATT` before `ATBB`.
  github: {
    name: 'GitHub',
    whatToPaste: 'a GitHub personal access token (ghp_… or github_pat_…)',
    families: {
      github_pat_: 'a GitHub fine-grained personal access token',
      ghp_: 'a GitHub personal access token (classic)',
      gho_: 'a GitHub OAuth token',
      ghu_: 'a GitHub App user token',
      ghs_: 'a GitHub App installation token',
      ghr_: {
        label: 'a GitHub refresh token',
        unusable: 'a refresh token cannot call the API; create a personal access token instead',
      },
    },
  },
  gitlab: {
    name: 'GitLab',
    whatToPaste: 'a GitLab personal access token (glpat-…)',
    families: {
      'glpat-': 'a GitLab personal access token',
      'gldt-': {
        label: 'a GitLab deploy token',
        unusable:
          'a deploy token cannot read the API as a user; create a personal access token (glpat-…) instead',
      },
      'glrt-': {
        label: 'a GitLab runner token',
        unusable:
          'a runner token cannot read the API as a user; create a personal access token (glpat-…) instead',
      },
      'glft-': {
        label: 'a GitLab feed token',
        unusable: 'a feed token cannot read the API; create a personal access token (glpat-…) instead',
      },
    },
  },
  bitbucket: {
    name: 'Bitbucket',
    whatToPaste: 'an Atlassian API token (ATATT…) or a Bitbucket app password (ATBB…)',
    families: {
      ATATT: 'an Atlassian API token',
      ATBB: 'a Bitbucket app password',
      ATCTT: 'a Bitbucket access token',
    },
  },
  tessera: {
    name: 'Tessera',
    families: {
      tes_: {
        label: 'a Tessera token',
        unusable: 'this field takes a token issued by the provider, not by Tessera',
      },
    },
  },
};

const FAMILIES: TokenFamily[] = Object.entries(ISSUERS).flatMap(([provider, { families }]) =>
  Object.entries(families).map(([prefix, family]) => ({
    provider: provider as TokenFamily['provider'],
    prefix,
    ...(typeof family === 'string' ? { label: family } : family),
  })),
);

export function recogniseToken(token: string): TokenFamily | null {
  return FAMILIES.find((family) => token.startsWith(family.prefix)) ?? null;
}

/** Why this token cannot be stored for this provider, or null when it may be. */
export function tokenProblemFor(provider: ProviderName, token: string): string | null {
  const family = recogniseToken(token);
  if (!family) return null;
  if (family.provider !== provider) {
    const { name, whatToPaste } = ISSUERS[provider];
    return `This looks like ${family.label} (it starts with "${family.prefix}"), which belongs to ${ISSUERS[family.provider].name}, not ${name}. Paste ${whatToPaste}, or choose the provider the token belongs to.`;
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
