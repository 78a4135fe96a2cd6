import { useLanguage } from '../i18n/i18n-provider.tsx';
import { formatDateTime, formatRelativeTime } from '../lib/relative-time.ts';

/** "3 hours ago" with the exact date and time on hover and for machines. */
export function RelativeTime({ date, now }: { date: string; now: Date }) {
  const [language] = useLanguage();
  return (
    <time dateTime={date} title={formatDateTime(date, language)}>
      {formatRelativeTime(date, now, language)}
    </time>
  );
}
