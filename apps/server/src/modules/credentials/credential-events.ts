import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/database.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { enqueueNotice } from '../notices/notices.outbox.ts';
import type { createCredentialService } from './credentials.service.ts';

type CredentialEvents = Pick<
  Parameters<typeof createCredentialService>[0],
  'onExpiredUse' | 'onNewNetworks' | 'onNetworkRefused'
>;

/**
 * What the verifier's sightings become: an expired token tried, a PAT first used from a new
 * network, a PAT refused outside its networks — audit events in the owner's log and notices.
 */
export function credentialUseEvents(deps: {
  db: Db;
  audit: AuditService;
  clock: Clock;
  log: FastifyBaseLogger;
}): CredentialEvents {
  const { db, audit, clock, log } = deps;
  return {
    onExpiredUse: (credential) =>
      void audit
        .record(undefined, null, {
          userId: credential.userId,
          action: 'token.expired_used',
          targetType: credential.kind === 'automation' ? 'automation_token' : 'personal_access_token',
          targetId: credential.id,
          outcome: 'failure',
        })
        .then(() =>
          // One notice per token and day, however often the expired token is tried.
          enqueueNotice(db, {
            userId: credential.userId,
            kind: 'token.expired_used',
            subject: {
              type: credential.kind === 'automation' ? 'automation_token' : 'personal_access_token',
              id: credential.id,
            },
            dedupeKey: `expired_used:${credential.id}:${clock.now().toISOString().slice(0, 10)}`,
            at: clock.now(),
          }),
        )
        .catch((error) => log.error({ err: error }, 'audit or notice write failed')),
    // First use of a PAT from a new network: in the owner's audit log, in the flush's transaction.
    onNewNetworks: async (tx, events) => {
      for (const event of events) {
        await audit.record(
          tx,
          {
            ip: event.ip ?? '',
            userAgent: null,
            requestId: '',
            actorCredentialId: event.credentialId,
            actorKind: 'personal',
          },
          {
            userId: event.userId,
            action: 'token.new_network',
            targetType: 'personal_access_token',
            targetId: event.credentialId,
            metadata: { network: event.network, ip: event.ip, first_seen_at: event.at.toISOString() },
          },
        );
        await enqueueNotice(tx, {
          userId: event.userId,
          kind: 'token.new_network',
          subject: { type: 'personal_access_token', id: event.credentialId },
          data: { network: event.network, ip: event.ip, first_seen_at: event.at.toISOString() },
          at: clock.now(),
        });
      }
    },
    onNetworkRefused: (credential, ip) =>
      void audit
        .record(
          undefined,
          {
            ip: ip ?? '',
            userAgent: null,
            requestId: '',
            actorCredentialId: credential.id,
            actorKind: credential.kind,
          },
          {
            userId: credential.userId,
            action: 'token.network_refused',
            targetType: 'personal_access_token',
            targetId: credential.id,
            outcome: 'failure',
            metadata: { ip, allowed_cidrs: credential.network?.cidrs ?? [] },
          },
        )
        .catch((error) => log.error({ err: error }, 'audit write failed')),
  };
}
