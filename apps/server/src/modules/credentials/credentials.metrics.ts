import type { Metrics } from '../../platform/metrics/metrics.ts';
import { counter, counterBy, gauge, registerScrapedMetrics } from '../../platform/metrics/scraped-metrics.ts';
import type { CredentialService } from './credentials.service.ts';

/** Verification outcomes, cache and revocation-feed figures, read from the service's plain counters at scrape time. */
export function registerCredentialMetrics(metrics: Metrics, credentials: CredentialService): void {
  const { stats, cache, lastUsed } = credentials;
  registerScrapedMetrics(metrics, {
    tessera_token_verifications_total: counterBy(
      'outcome',
      'Credential lookups by how they were answered: cache_hit, cache_miss (went to the store), negative_hit (known unknown), cache_bypassed (revocation feed down, store read)',
      () => ({
        cache_hit: stats.cacheHits,
        cache_miss: stats.cacheMisses,
        negative_hit: stats.negativeHits,
        cache_bypassed: stats.untrustedCacheBypasses,
        filter_rejected: stats.filterRejections,
      }),
    ),
    tessera_token_store_lookups_total: counterBy(
      'result',
      'Credential reads from the store, by result',
      () => ({
        ok: stats.storeLookups - stats.storeErrors,
        error: stats.storeErrors,
      }),
    ),
    tessera_token_refusals_total: counterBy('reason', 'Credentials refused, by reason', () => stats.refused),
    tessera_token_cache_entries: gauge('Verified credentials cached in this process', () => cache.size),
    tessera_revocation_notifications_total: counter(
      'Revocation notifications received from the store (LISTEN)',
      () => stats.notificationsReceived,
    ),
    tessera_revocation_feed_events_total: counterBy(
      'event',
      'Revocation feed (LISTEN connection) drops and reconnects; each reconnect flushed the cache',
      () => ({ disconnect: stats.feedDisconnects, reconnect: stats.feedReconnects }),
    ),
    tessera_revocation_propagations_total: counterBy(
      'result',
      'Invalidations made here, by how the wait for the other instances ended: acknowledged (all did), no_peers, timed_out (answered without some; ADR 0039), not_listed (the peers could not be read)',
      () => stats.propagation,
    ),
    tessera_revocation_propagation_wait_seconds_total: counter(
      'Time invalidations made here spent waiting for the other instances to acknowledge',
      () => stats.propagationWaitMs / 1000,
    ),
    tessera_revocation_feed_connected: gauge(
      '1 while revocations from other instances are being heard',
      () => (credentials.invalidationFeedConnected() ? 1 : 0),
    ),
    tessera_last_use_pending: gauge(
      'Credentials with last-use data waiting for the next flush',
      () => lastUsed.pendingCount,
    ),
    tessera_last_use_flush_size: gauge(
      'Credentials written by the last last-use flush',
      () => lastUsed.stats.lastSize,
    ),
    tessera_last_use_flush_duration_seconds: gauge(
      'Duration of the last last-use flush',
      () => lastUsed.stats.lastDurationMs / 1000,
    ),
    tessera_last_use_flushes_total: counterBy('result', 'Last-use flushes, by result', () => ({
      ok: lastUsed.flushCount,
      error: lastUsed.stats.failures,
    })),
    tessera_last_use_written_total: counter('Credential last-use rows written', () => lastUsed.stats.written),
  });
}
