const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The unit a human would pick for a distance in time, and the rounded amount in it. */
export function pickUnit(diffMs: number): { value: number; unit: Intl.RelativeTimeFormatUnit } {
  const abs = Math.abs(diffMs);
  const sign = diffMs < 0 ? -1 : 1;
  if (abs < 45 * SECOND) return { value: 0, unit: 'second' };
  if (abs < 45 * MINUTE) return { value: sign * Math.max(1, Math.round(abs / MINUTE)), unit: 'minute' };
  if (abs < 22 * HOUR) return { value: sign * Math.round(abs / HOUR), unit: 'hour' };
  // Token lifetimes are chosen in days (7, 30, 60, 90), so days read better than months up to 100.
  if (abs < 100 * DAY) return { value: sign * Math.round(abs / DAY), unit: 'day' };
  if (abs < 320 * DAY) return { value: sign * Math.round(abs / (30 * DAY)), unit: 'month' };
  return { value: sign * Math.max(1, Math.round(abs / (365 * DAY))), unit: 'year' };
}

/** "in 12 days", "3 hours ago", "now" — in the given language. */
export function formatRelativeTime(date: Date | string, now: Date, locale: string): string {
  const target = typeof date === 'string' ? new Date(date) : date;
  const { value, unit } = pickUnit(target.getTime() - now.getTime());
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(value, unit);
}

/** A full date and time for tooltips and `<time>` titles. */
export function formatDateTime(date: Date | string, locale: string): string {
  const value = typeof date === 'string' ? new Date(date) : date;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(value);
}

export function formatDate(date: Date | string, locale: string): string {
  const value = typeof date === 'string' ? new Date(date) : date;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(value);
}

/**
 * Calendar days from today to a `YYYY-MM-DD` date (local calendar), for a "custom date" expiry:
 * picking the 13th on the 1st gives 12. Null when the text is not a real date.
 */
export function daysUntilDate(isoDate: string, now: Date): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]) - 1;
  const day = Number(match[3]);
  const target = new Date(Date.UTC(year, month, day));
  if (target.getUTCFullYear() !== year || target.getUTCMonth() !== month || target.getUTCDate() !== day) {
    return null;
  }
  const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.round((target.getTime() - today) / DAY);
}

/** `YYYY-MM-DD` of a local date, for `<input type="date">` bounds. */
export function toDateInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * DAY);
}

export function formatBytes(bytes: number, locale: string): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let index = 0;
  while (value >= 1024 && index < units.length - 1) {
    value /= 1024;
    index += 1;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: units[index],
    unitDisplay: 'short',
    maximumFractionDigits: index === 0 ? 0 : 1,
  }).format(value);
}
