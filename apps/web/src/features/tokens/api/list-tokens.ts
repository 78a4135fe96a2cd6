/** The shared query (lib/queries): the account notice and the security log read the same list. */
export { listTokens, tokensQueryOptions, useTokens } from '../../../lib/queries/tokens.ts';
