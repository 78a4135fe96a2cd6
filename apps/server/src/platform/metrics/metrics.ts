import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import client from 'prom-client';
import { AppError } from '../errors.ts';

type Labels = Record<string, string>;
/** A value read at scrape time: one number, or one number per label set. */
type Reading = number | Array<[Labels, number]>;

/**
 * One Prometheus registry per app. Hot paths keep plain counters of their own; the registry reads
 * them only when scraped (`counterFrom`, `gaugeFrom`), so nothing on the request path allocates
 * or hashes label sets for metrics except the per-request histogram.
 */
export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'tessera_process_' });

  function apply(
    metric: { reset(): void },
    read: () => Reading,
    write: (labels: Labels, value: number) => void,
  ) {
    metric.reset();
    const reading = read();
    if (typeof reading === 'number') write({}, reading);
    else for (const [labels, value] of reading) write(labels, value);
  }

  return {
    registry,

    /** A monotonically increasing count that its owner keeps as a plain number. */
    counterFrom(name: string, help: string, labelNames: string[], read: () => Reading) {
      registry.registerMetric(
        new client.Counter({
          name,
          help,
          labelNames,
          registers: [],
          collect() {
            apply(this, read, (labels, value) => this.inc(labels, value));
          },
        }),
      );
    },

    /** A current value (queue depth, cache size) read at scrape time. */
    gaugeFrom(name: string, help: string, labelNames: string[], read: () => Reading) {
      registry.registerMetric(
        new client.Gauge({
          name,
          help,
          labelNames,
          registers: [],
          collect() {
            apply(this, read, (labels, value) => this.set(labels, value));
          },
        }),
      );
    },

    histogram(name: string, help: string, labelNames: string[], buckets: number[]) {
      return new client.Histogram({ name, help, labelNames, buckets, registers: [registry] });
    },

    /** Adds a metric that lives longer than one app (a process-wide histogram). */
    adopt(metric: client.Metric) {
      registry.registerMetric(metric);
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** A process-wide histogram, observed whether or not metrics are served; an app adopts it. */
export function processHistogram(name: string, help: string, labelNames: string[], buckets: number[]) {
  return new client.Histogram({ name, help, labelNames, buckets, registers: [] });
}

/** Seconds: from a cached verification (~1 ms answers) to a slow provider call. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * `GET /metrics` behind `Authorization: Bearer <token>` (compared in constant time), plus one
 * latency observation per request labelled by the route *pattern* (never the raw URL, which
 * would carry ids and grow without bound) and status.
 */
export const metricsEndpoint = fp(
  async (app: FastifyInstance, options: { metrics: Metrics; token: string }) => {
    const { metrics } = options;
    const expected = digest(`Bearer ${options.token}`);
    const requests = metrics.histogram(
      'tessera_http_request_duration_seconds',
      'HTTP requests by method, route pattern and status: latency (the _count is the request count)',
      ['method', 'route', 'status'],
      LATENCY_BUCKETS,
    );
    const rateLimited = new Map<string, number>();
    metrics.counterFrom(
      'tessera_rate_limit_refusals_total',
      'Requests refused with 429 (rate limits, sign-in throttling), by route pattern',
      ['route'],
      () => [...rateLimited].map(([route, n]) => [{ route }, n]),
    );

    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      const status = reply.statusCode;
      requests.observe({ method: request.method, route, status: String(status) }, reply.elapsedTime / 1000);
      if (status === 429) rateLimited.set(route, (rateLimited.get(route) ?? 0) + 1);
    });

    app.get(
      '/metrics',
      {
        config: { auth: 'public' },
        // Not part of the API document (@fastify/swagger's `hide`; typed loosely for programs without its types).
        schema: { hide: true } as Record<string, unknown>,
        logLevel: 'warn',
      },
      async (request, reply) => {
        const presented = request.headers.authorization;
        if (typeof presented !== 'string' || !timingSafeEqual(digest(presented), expected)) {
          throw new AppError('unauthenticated', 'Present the metrics bearer token (METRICS_TOKEN).', {
            headers: { 'www-authenticate': 'Bearer realm="metrics"' },
          });
        }
        reply.header('cache-control', 'no-store').type(metrics.registry.contentType);
        return metrics.registry.metrics();
      },
    );
  },
  { name: 'metrics-endpoint' },
);
