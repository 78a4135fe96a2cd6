import type { TokenView } from '@tessera/client';
import type { Column, Output } from '../../lib/output.ts';
import { list, shortTime } from '../../lib/output.ts';

export const TOKEN_COLUMNS: Array<Column<TokenView>> = [
  { header: 'id', value: (t) => t.id },
  { header: 'name', value: (t) => t.name },
  { header: 'preview', value: (t) => t.preview },
  { header: 'scopes', value: (t) => list(t.scopes) },
  { header: 'status', value: (t) => statusText(t) },
  { header: 'expires', value: (t) => (t.expires_at ? shortTime(t.expires_at) : 'never') },
  { header: 'last used', value: (t) => shortTime(t.last_used_at) },
];

/** `active`, or `rotating` while a rotation overlap runs (the old secret still works). */
export function statusText(token: TokenView): string {
  return token.status === 'active' && token.old_secret_valid_until ? 'rotating' : token.status;
}

/** What a token's restrictions and rotation settings are, as label/value pairs. */
export function controlFields(token: TokenView): Array<[string, string]> {
  return [
    ['Repositories', token.repo_ids ? list(token.repo_ids) : 'all of yours'],
    ['Networks', token.allowed_cidrs ? list(token.allowed_cidrs) : 'any'],
    ['Self-rotation', token.allow_self_rotation ? 'allowed' : 'not allowed'],
    [
      'On replay',
      token.on_rotated_out_use === 'revoke'
        ? 'revoke the token when a rotated-out secret is used'
        : 'notify you when a rotated-out secret is used',
    ],
    [
      'Rotation',
      token.old_secret_valid_until
        ? `old secret valid until ${shortTime(token.old_secret_valid_until)} UTC, or until the new one is first used`
        : 'no overlap running',
    ],
  ];
}

/** A newly created or rotated token: its settings, then the secret, which is never shown again. */
export function printSecret(out: Output, token: TokenView, secret: string) {
  out.fields([
    ['Id', token.id],
    ['Name', token.name],
    ['Scopes', list(token.scopes)],
    ['Expires', token.expires_at ? shortTime(token.expires_at) : 'never'],
    ...controlFields(token).filter(([label]) => label !== 'Rotation' || token.old_secret_valid_until),
  ]);
  out.line();
  out.line(secret);
  out.line();
  out.warn('Copy the token now: it is not shown again.');
}
