import { useLanguage } from '../i18n/i18n-provider.tsx';
import { formatDateTime, formatRelativeTime } from '../lib/relative-time.ts';

/**
 * "3 hours ago", with the exact date and time for machines (`dateTime`), for screen readers (in
 * the text, after the relative time) and for sight on hover, keyboard focus and touch: a tooltip
 * alone (`title`) reaches none of the last three.
 */
export function RelativeTime({ date, now }: { date: string; now: Date }) {
  const [language] = useLanguage();
  const exact = formatDateTime(date, language);
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so the exact date can be reached without a mouse
    <time dateTime={date} className="timestamp" tabIndex={0}>
      {formatRelativeTime(date, now, language)}
      <span className="timestamp__exact">
        <span className="visually-hidden"> (</span>
        {exact}
        <span className="visually-hidden">)</span>
      </span>
    </time>
  );
}
