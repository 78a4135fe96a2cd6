import { useProviderAccounts } from '../../../lib/queries/provider-accounts.ts';
import { useTokens } from '../../../lib/queries/tokens.ts';

/** Names of the things events are about (tokens, provider accounts), from the shared lists. */
export function useTargetNames() {
  const tokens = useTokens();
  const accounts = useProviderAccounts();
  const names = new Map<string, string>();
  for (const token of tokens.data ?? []) names.set(token.id, token.name);
  for (const account of accounts.data ?? []) names.set(account.id, account.name);
  return { names, tokens: tokens.data ?? [] };
}
