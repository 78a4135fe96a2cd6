import type { TokenView } from '@tessera/client';
import type { Column, Output } from '../../lib/output.ts';
import { list, shortTime } from '../../lib/output.ts';

export const TOKEN_COLUMNS: Array<Column<TokenView>> = [
  { header: 'id', value: (t) => t.id },
  { header: 'name', value: (t) => t.name },
  { header: 'preview', value: (t) => t.preview },
  { header: 'scopes', value: (t) => list(t.scopes) },
  { header: 'status', value: (t) => t.status },
  { header: 'expires', value: (t) => (t.expires_at ? shortTime(t.expires_at) : 'never') },
  { header: 'last used', value: (t) => shortTime(t.last_used_at) },
];

/** A newly created or rotated token: its settings, then the secret, which is never shown again. */
export function printSecret(out: Output, token: TokenView, secret: string) {
  out.fields([
    ['Id', token.id],
    ['Name', token.name],
    ['Scopes', list(token.scopes)],
    ['Expires', token.expires_at ? shortTime(token.expires_at) : 'never'],
  ]);
  out.line();
  out.line(secret);
  out.line();
  out.warn('Copy the token now: it is not shown again.');
}
