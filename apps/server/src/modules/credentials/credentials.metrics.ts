import type { Metrics } from '../../platform/metrics/metrics.ts';
import type { CredentialService } from './credentials.service.ts';

/** Verification outcomes, cache and revocation-feed figures, read from the service's plain counters at scrape time. */
export function registerCredentialMetrics(metrics: Metrics, credentials: CredentialService): void {
  const { stats, cache, lastUsed } = credentials;
  metrics.counterFrom(
    'tessera_token_verifications_total',
    'Credential lookups by how they were answered: cache_hit, cache_miss (went to the store), negative_hit (known unknown), cache_bypassed (revocation feed down, store read)',
    ['outcome'],
    () => [
      [{ outcome: 'cache_hit' }, stats.cacheHits],
      [{ outcome: 'cache_miss' }, stats.cacheMisses],
      [{ outcome: 'negative_hit' }, stats.negativeHits],
      [{ outcome: 'cache_bypassed' }, stats.untrustedCacheBypasses],
      [{ outcome: 'filter_rejected' }, stats.filterRejections],
    ],
  );
  metrics.counterFrom(
    'tessera_token_store_lookups_total',
    'Credential reads from the store, by result',
    ['result'],
    () => [
      [{ result: 'ok' }, stats.storeLookups - stats.storeErrors],
      [{ result: 'error' }, stats.storeErrors],
    ],
  );
  metrics.counterFrom('tessera_token_refusals_total', 'Credentials refused, by reason', ['reason'], () =>
    Object.entries(stats.refused).map(([reason, n]) => [{ reason }, n]),
  );
  metrics.gaugeFrom(
    'tessera_token_cache_entries',
    'Verified credentials cached in this process',
    [],
    () => cache.size,
  );
  metrics.counterFrom(
    'tessera_revocation_notifications_total',
    'Revocation notifications received from the store (LISTEN)',
    [],
    () => stats.notificationsReceived,
  );
  metrics.counterFrom(
    'tessera_revocation_feed_events_total',
    'Revocation feed (LISTEN connection) drops and reconnects; each reconnect flushed the cache',
    ['event'],
    () => [
      [{ event: 'disconnect' }, stats.feedDisconnects],
      [{ event: 'reconnect' }, stats.feedReconnects],
    ],
  );
  metrics.counterFrom(
    'tessera_revocation_propagations_total',
    'Invalidations made here, by how the wait for the other instances ended: acknowledged (all did), no_peers, timed_out (answered without some; ADR 0039), not_listed (the peers could not be read)',
    ['result'],
    () => Object.entries(stats.propagation).map(([result, n]) => [{ result }, n]),
  );
  metrics.counterFrom(
    'tessera_revocation_propagation_wait_seconds_total',
    'Time invalidations made here spent waiting for the other instances to acknowledge',
    [],
    () => stats.propagationWaitMs / 1000,
  );
  metrics.gaugeFrom(
    'tessera_revocation_feed_connected',
    '1 while revocations from other instances are being heard',
    [],
    () => (credentials.invalidationFeedConnected() ? 1 : 0),
  );
  metrics.gaugeFrom(
    'tessera_last_use_pending',
    'Credentials with last-use data waiting for the next flush',
    [],
    () => lastUsed.pendingCount,
  );
  metrics.gaugeFrom(
    'tessera_last_use_flush_size',
    'Credentials written by the last last-use flush',
    [],
    () => lastUsed.stats.lastSize,
  );
  metrics.gaugeFrom(
    'tessera_last_use_flush_duration_seconds',
    'Duration of the last last-use flush',
    [],
    () => lastUsed.stats.lastDurationMs / 1000,
  );
  metrics.counterFrom('tessera_last_use_flushes_total', 'Last-use flushes, by result', ['result'], () => [
    [{ result: 'ok' }, lastUsed.flushCount],
    [{ result: 'error' }, lastUsed.stats.failures],
  ]);
  metrics.counterFrom(
    'tessera_last_use_written_total',
    'Credential last-use rows written',
    [],
    () => lastUsed.stats.written,
  );
}
