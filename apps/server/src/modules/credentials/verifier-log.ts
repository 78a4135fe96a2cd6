import type { FastifyBaseLogger } from 'fastify';
import type { createCredentialService } from './credentials.service.ts';

type VerifierLogEvents = Pick<
  Parameters<typeof createCredentialService>[0],
  'onUnacknowledged' | 'onInvalidationFeed'
>;

/**
 * What operators read of the verifier's revocation feed: a revocation answered without every
 * instance's acknowledgement (ADR 0039; once per window, it repeats while a peer is gone), the
 * feed lost (cached verifications distrusted) and restored (cache flushed).
 */
export function verifierLogEvents(
  log: FastifyBaseLogger,
  logOncePerWindow: (key: string, write: (suppressed: number) => void) => void,
): VerifierLogEvents {
  return {
    onUnacknowledged: (event) =>
      logOncePerWindow('revocation-ack', (suppressed) =>
        log.warn(
          {
            missing: event.missing,
            waitedMs: Math.round(event.waitedMs),
            ...(event.cause ? { err: event.cause } : {}),
            ...(suppressed ? { suppressed } : {}),
          },
          'revocation answered without every instance acknowledging it (ADR 0039): a peer is gone or cut off',
        ),
      ),
    onInvalidationFeed: (event) => {
      if (event.state === 'lost') {
        log.warn(
          { err: event.cause },
          'revocation feed lost: cached verifications are not trusted until it is back',
        );
      } else {
        log.warn({ gapMs: event.gapMs }, 'revocation feed restored after a gap: verification cache flushed');
      }
    },
  };
}
