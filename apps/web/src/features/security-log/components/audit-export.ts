import type { AuditEvent } from '../../../lib/api-types.ts';

const COLUMNS = [
  'created_at',
  'action',
  'label',
  'outcome',
  'target_type',
  'target_id',
  'target',
  'change',
  'actor_kind',
  'ip',
  'user_agent',
] as const;

export interface DescribedEvent {
  event: AuditEvent;
  label: string;
  target: string | null;
  change: string | null;
}

/** RFC 4180 field; formulas are neutralised so that a spreadsheet never runs a cell. */
export function csvField(value: string | null | undefined): string {
  let text = value ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: DescribedEvent[]): string {
  const lines = [COLUMNS.join(',')];
  for (const { event, label, target, change } of rows) {
    const values: Record<(typeof COLUMNS)[number], string | null> = {
      created_at: event.created_at,
      action: event.action,
      label,
      outcome: event.outcome,
      target_type: event.target_type,
      target_id: event.target_id,
      target,
      change,
      actor_kind: event.actor_kind,
      ip: event.ip,
      user_agent: event.user_agent,
    };
    lines.push(COLUMNS.map((column) => csvField(values[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function toJson(rows: DescribedEvent[]): string {
  return `${JSON.stringify(
    rows.map(({ event, label, target, change }) => ({ ...event, label, target, change })),
    null,
    2,
  )}\n`;
}

/** Hands a text to the browser as a download. */
export function download(filename: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
