import type { NoticeKind, NoticeView } from '@tessera/client';
import type { NoticeKindKey } from '../../../i18n/en-US.ts';
import type { useT } from '../../../i18n/i18n-provider.tsx';

type T = ReturnType<typeof useT>;

const BY_KEYS = [
  'owner',
  'revoke_all',
  'leak_report',
  'admin',
  'revoke_by_value',
  'task_group_closed',
  'repo_disconnected',
] as const;

/** One line of details from a notice's data: the token name, how it was revoked, time left, from where. */
export function noticeDetail(notice: NoticeView, t: T, formatDate: (iso: string) => string): string {
  const data = notice.data as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof data.name === 'string' && data.name) parts.push(`“${data.name}”`);
  if (typeof data.preview === 'string' && data.preview) parts.push(data.preview);
  const by = BY_KEYS.find((key) => key === data.by);
  if (by) parts.push(t(`notices.by.${by}`));
  if (typeof data.threshold_days === 'number')
    parts.push(t('notices.detail.daysLeft', { days: data.threshold_days }));
  if (typeof data.expires_at === 'string')
    parts.push(t('notices.detail.expires', { date: formatDate(data.expires_at) }));
  const where = [data.ip, data.user_agent].filter((v) => typeof v === 'string' && v).join(', ');
  if (where) parts.push(t('notices.detail.from', { where }));
  return parts.join(' · ');
}

/** Where a notice's "Open" goes: the token's renew dialog, the provider account, the sessions page. */
export function noticeTarget(notice: NoticeView): string | null {
  switch (notice.subject_type) {
    case 'personal_access_token':
      return notice.kind === 'token.revoked' || notice.kind === 'token.leaked' || !notice.subject_id
        ? '/settings/tokens'
        : `/settings/tokens?renew=${encodeURIComponent(notice.subject_id)}`;
    case 'automation_token':
      return '/repos';
    case 'provider_account':
      return '/settings/providers';
    case 'session':
    case 'user':
      return '/settings/sessions';
    default:
      return null;
  }
}

/** The label of a notice kind (catalogue keys use `_` where the kind has `.`). */
export function noticeKindLabel(kind: NoticeKind, t: T): string {
  return t(`notices.kinds.${kind.replace(/\./g, '_') as NoticeKindKey}`);
}
