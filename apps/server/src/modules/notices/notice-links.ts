import type { NoticeEventRow } from './notices.repository.ts';

/**
 * Where a notice sends its reader: straight to the credential. A PAT link opens the token list
 * with the renew dialog of that token (`?renew=<id>`, GitLab's "renew" pattern); a provider
 * account opens the providers page on that account.
 */
export function noticeLink(
  publicUrl: URL,
  event: Pick<NoticeEventRow, 'subject_type' | 'subject_id' | 'kind'>,
) {
  const at = (path: string) => new URL(path, publicUrl).toString();
  const id = event.subject_id ? encodeURIComponent(event.subject_id) : null;
  switch (event.subject_type) {
    case 'personal_access_token':
      return at(
        id && event.kind !== 'token.revoked' && event.kind !== 'token.leaked'
          ? `/settings/tokens?renew=${id}`
          : '/settings/tokens',
      );
    case 'automation_token':
      return at('/repos');
    case 'provider_account':
      return at(id ? `/settings/providers?account=${id}` : '/settings/providers');
    case 'session':
    case 'user':
      return at('/settings/sessions');
    default:
      return at('/settings/notices');
  }
}
