import type { Metrics } from './metrics.ts';

/**
 * A metric read at scrape time (`counterFrom` / `gaugeFrom`): one number, or one number per value
 * of one label (`{ ok: 3, error: 1 }` under `result` is `result="ok"` 3 and `result="error"` 1).
 */
export type ScrapedMetric = { type: 'counter' | 'gauge'; help: string } & (
  | { read: () => number }
  | { label: string; read: () => Record<string, number> }
);

export const counter = (help: string, read: () => number): ScrapedMetric => ({ type: 'counter', help, read });
export const gauge = (help: string, read: () => number): ScrapedMetric => ({ type: 'gauge', help, read });
/** A counter split by the values of one label. */
export const counterBy = (
  label: string,
  help: string,
  read: () => Record<string, number>,
): ScrapedMetric => ({
  type: 'counter',
  label,
  help,
  read,
});

/** Registers a table of metrics read at scrape time, keyed by metric name, in its order. */
export function registerScrapedMetrics(metrics: Metrics, table: Record<string, ScrapedMetric>): void {
  for (const [name, metric] of Object.entries(table)) {
    const register = metric.type === 'counter' ? metrics.counterFrom : metrics.gaugeFrom;
    if ('label' in metric) {
      const { label, read } = metric;
      register(name, metric.help, [label], () =>
        Object.entries(read()).map(([value, n]): [Record<string, string>, number] => [{ [label]: value }, n]),
      );
    } else {
      register(name, metric.help, [], metric.read);
    }
  }
}
