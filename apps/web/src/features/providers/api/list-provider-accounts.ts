/** The shared query (lib/queries): the repositories feature reads the same list. */
export {
  listProviderAccounts,
  providerAccountsQueryKey,
  providerAccountsQueryOptions,
  useProviderAccounts,
} from '../../../lib/queries/provider-accounts.ts';
