import { useLanguage, useT } from '../../../i18n/i18n-provider.tsx';
import type { TokenView } from '../../../lib/api-types.ts';
import { formatDateTime } from '../../../lib/relative-time.ts';
import { useNow } from '../../../lib/use-now.ts';

/** "Rotating: old secret valid until …" while a rotation overlap runs (ADR 0029); nothing otherwise. */
export function RotatingState({ token }: { token: TokenView }) {
  const t = useT();
  const [language] = useLanguage();
  const now = useNow();
  const until = token.old_secret_valid_until;
  if (!until || Date.parse(until) <= now.getTime()) return null;
  return (
    <span className="small text-warning token-rotating">
      {t('tokens.rotating.until', { time: formatDateTime(until, language) })}
    </span>
  );
}
