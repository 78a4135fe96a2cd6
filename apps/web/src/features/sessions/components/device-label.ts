import type { Translate } from '../../../i18n/i18n-provider.tsx';
import { summarizeUserAgent } from './user-agent.ts';

/** "Firefox on Linux", "Tessera CLI 0.1.0 on macOS", or "Unknown device". */
export function deviceLabel(session: { user_agent: string | null }, t: Translate): string {
  const { client, os } = summarizeUserAgent(session.user_agent);
  if (client && os) return t('sessions.deviceOnOs', { client, os });
  return client ?? os ?? t('sessions.unknownDevice');
}
