import type { AuditActionKey } from '../../../i18n/en-US.ts';
import type { Translate } from '../../../i18n/i18n-provider.tsx';
import { isMessageKey } from '../../../i18n/translate.ts';
import type { AuditEvent } from '../../../lib/api-types.ts';
import type { DescribedEvent } from './audit-export.ts';

const text = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);
const list = (value: unknown): string | null =>
  Array.isArray(value) ? value.filter((v) => typeof v === 'string').join(', ') : null;

export function actionKey(action: AuditEvent['action']): AuditActionKey {
  return action.replace(/\./g, '_') as AuditActionKey;
}

/** An event in words: its label, what it is about, and what changed. */
export function describeEvent(event: AuditEvent, names: Map<string, string>, t: Translate): DescribedEvent {
  const { metadata } = event;
  const label = t(`securityLog.actions.${actionKey(event.action)}`);
  const target =
    (event.target_id ? names.get(event.target_id) : undefined) ??
    text(metadata.to) ??
    text(metadata.name) ??
    text(metadata.full_name) ??
    null;
  let change: string | null = null;
  if (event.action === 'token.renamed') {
    change = t('securityLog.changes.renamed', {
      from: text(metadata.from) ?? '',
      to: text(metadata.to) ?? '',
    });
  } else if (event.action === 'token.scopes_reduced') {
    change = t('securityLog.changes.scopes', {
      from: list(metadata.from) ?? '',
      to: list(metadata.to) ?? '',
    });
  } else if (event.action === 'token.created' && text(metadata.expires_at) === null) {
    change = t('securityLog.changes.noExpiry');
  } else if (event.action.startsWith('provider_account.') && text(metadata.status)) {
    const key = `providers.status.${text(metadata.status)}`;
    if (isMessageKey(key)) change = t('securityLog.changes.status', { status: t(key) });
  } else if (event.action === 'token.revoked_all' && typeof metadata.count === 'number') {
    change = t('securityLog.changes.count', { count: metadata.count });
  }
  return { event, label, target, change };
}

/** The action filter's choices: groups of actions by what they are about. */
export const ACTION_GROUPS = {
  signIn: ['auth.', 'session.', 'password.', 'oauth.', 'account.'],
  tokens: ['token.'],
  providers: ['provider_account.', 'encryption_keys.'],
  repos: ['repo.', 'task_group.', 'automation_token.'],
  agents: ['agent.'],
} as const;
export type ActionGroup = keyof typeof ACTION_GROUPS;

export function groupOf(action: string): ActionGroup {
  for (const [group, prefixes] of Object.entries(ACTION_GROUPS)) {
    if (prefixes.some((prefix) => action.startsWith(prefix))) return group as ActionGroup;
  }
  return 'signIn';
}
