import type { ExpressionBuilder } from 'kysely';
import { describe, expect, it } from 'vitest';
import { statementRecorder } from '../../../test/fixtures/statement-recorder.ts';
import type { DB } from '../../schema.ts';
import { createAuthorizationRequestRepository } from './authorization-requests.repository.ts';
import { createDeviceAuthorizationRepository } from './device-authorizations.repository.ts';

const recorder = statementRecorder<DB>();
const { db } = recorder;
const requests = createAuthorizationRequestRepository(db);
const devices = createDeviceAuthorizationRepository(db);
const now = new Date('2026-03-01T12:00:00.000Z');
const codeExpiresAt = new Date('2026-03-01T12:01:00.000Z');

// The conditions as the repositories wrote them before they shared pendingAuthorizationQueries.
const pendingRequest = (eb: ExpressionBuilder<DB, 'oauth_authorization_requests'>) =>
  eb.and([
    eb('id', '=', 'oar_1'),
    eb('user_id', '=', 'usr_1'),
    eb('status', '=', 'pending'),
    eb('expires_at', '>', now),
  ]);
const pendingDevice = (eb: ExpressionBuilder<DB, 'oauth_device_authorizations'>) =>
  eb.and([eb('user_code', '=', 'BCDFGHJK'), eb('status', '=', 'pending'), eb('expires_at', '>', now)]);

describe('pendingAuthorizationQueries', () => {
  const cases: Array<
    [string, () => Promise<unknown>, { compile(): { sql: string; parameters: readonly unknown[] } }]
  > = [
    [
      'a consent request, read',
      () => requests.findPendingRequestForUser({ id: 'oar_1', userId: 'usr_1' }, now),
      db.selectFrom('oauth_authorization_requests').selectAll().where(pendingRequest),
    ],
    [
      'a consent request, approved',
      () =>
        requests.decideRequestForUser({ id: 'oar_1', userId: 'usr_1' }, now, {
          status: 'approved',
          decided_at: now,
          code_hash: 'h',
          code_expires_at: codeExpiresAt,
        }),
      db
        .updateTable('oauth_authorization_requests')
        .set({ status: 'approved', decided_at: now, code_hash: 'h', code_expires_at: codeExpiresAt })
        .where(pendingRequest)
        .returningAll(),
    ],
    [
      'a device authorization, read',
      () => devices.findPendingByUserCode('BCDFGHJK', now),
      db.selectFrom('oauth_device_authorizations').selectAll().where(pendingDevice),
    ],
    [
      'a device authorization, denied',
      () =>
        devices.decidePendingByUserCode('BCDFGHJK', now, {
          status: 'denied',
          user_id: 'usr_1',
          decided_at: now,
        }),
      db
        .updateTable('oauth_device_authorizations')
        .set({ status: 'denied', user_id: 'usr_1', decided_at: now })
        .where(pendingDevice)
        .returningAll(),
    ],
  ];

  it.each(cases)('writes the statement the repository wrote by hand: %s', async (_, run, direct) => {
    const { sql, parameters } = direct.compile();
    expect(await recorder.statementOf(run)).toEqual({ sql, parameters });
  });
});
