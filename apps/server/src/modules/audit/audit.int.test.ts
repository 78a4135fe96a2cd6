import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { deleteAccount } from '../../../test/fixtures/accounts.ts';
import { storedAuditActions } from '../../../test/fixtures/audit-rows.ts';
import { signUp, useTestApp } from '../../../test/harness.ts';

const ctx = useTestApp();

describe('the audit log is append-only in the database (AUDIT-5)', () => {
  it('refuses UPDATE, DELETE and TRUNCATE, and keeps the rows', async () => {
    const user = await signUp(ctx.app);
    const count = async () => (await storedAuditActions(ctx.store, user.id)).length;
    const before = await count();
    expect(before).toBeGreaterThan(0);

    await expect(
      ctx.store.db
        .updateTable('audit_events')
        .set({ action: 'forged' })
        .where('user_id', '=', user.id)
        .execute(),
    ).rejects.toThrow(/append-only/);
    await expect(
      ctx.store.db.deleteFrom('audit_events').where('user_id', '=', user.id).execute(),
    ).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_events`.execute(ctx.store.db)).rejects.toThrow(/append-only/);

    expect(await count()).toBe(before);
    expect(await storedAuditActions(ctx.store, user.id)).not.toContain('forged');
  });

  it('still records new events, and deleting an account keeps its trail', async () => {
    const user = await signUp(ctx.app);
    const deleted = await deleteAccount(ctx.app, user);
    expect(deleted.statusCode).toBe(204);
    expect(await storedAuditActions(ctx.store, user.id)).toContain('account.deleted');
  });
});

describe('filtering the audit log', () => {
  async function createToken(cookie: string, name: string) {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/account/tokens',
      headers: { cookie },
      payload: { name, scopes: ['agents:read'], expires_in_days: 30 },
    });
    expect(response.statusCode).toBe(201);
    return response.json().token.id as string;
  }

  it('filters by action (one or a list) and by target, and pages within the filter', async () => {
    const user = await signUp(ctx.app);
    const first = await createToken(user.cookie, 'first');
    const second = await createToken(user.cookie, 'second');
    await ctx.app.inject({
      method: 'PATCH',
      url: `/api/account/tokens/${first}`,
      headers: { cookie: user.cookie },
      payload: { name: 'first renamed' },
    });
    const get = (query: string) =>
      ctx.app.inject({ url: `/api/account/audit-log?${query}`, headers: { cookie: user.cookie } });

    const created = (await get('action=token.created')).json();
    expect(created.events.map((e: { target_id: string }) => e.target_id)).toEqual([second, first]);
    const both = (await get('action=token.created,token.renamed')).json();
    expect(both.events.map((e: { action: string }) => e.action)).toEqual([
      'token.renamed',
      'token.created',
      'token.created',
    ]);
    const aboutFirst = (await get(`target_id=${first}`)).json();
    expect(aboutFirst.events.map((e: { action: string }) => e.action)).toEqual([
      'token.renamed',
      'token.created',
    ]);
    const paged = (await get('action=token.created&limit=1')).json();
    expect(paged.events).toHaveLength(1);
    const next = (await get(`action=token.created&limit=1&cursor=${paged.next_cursor}`)).json();
    expect(next.events[0].target_id).toBe(first);
    expect(next.next_cursor).toBeNull();
  });

  it('refuses an action outside the closed list with 400 naming the query field', async () => {
    const user = await signUp(ctx.app);
    const response = await ctx.app.inject({
      url: '/api/account/audit-log?action=token.created,token.exploded',
      headers: { cookie: user.cookie },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      { path: 'query.action', message: 'is not an audit action', code: 'not_allowed' },
    ]);
  });

  it('publishes the closed action list in the OpenAPI document, so clients can label every action', async () => {
    const { AUDIT_ACTIONS } = await import('./audit-actions.ts');
    const document = (await ctx.app.inject({ url: '/api/openapi.json' })).json();
    expect(document.components.schemas.AuditAction.enum).toEqual([...AUDIT_ACTIONS]);
  });
});

describe('target types', () => {
  it('publishes the closed target-type and error-code lists in the OpenAPI document', async () => {
    const { AUDIT_TARGET_TYPES } = await import('./audit-target-types.ts');
    const { ERROR_CODES } = await import('../../platform/errors.ts');
    const document = (await ctx.app.inject({ url: '/api/openapi.json' })).json();
    const schemas = document.components.schemas;
    expect(schemas.AuditTargetType.enum).toEqual([...AUDIT_TARGET_TYPES]);
    expect(schemas.AuditEvent.properties.target_type.anyOf).toContainEqual({
      $ref: '#/components/schemas/AuditTargetType',
    });
    expect(schemas.ProblemCode.enum).toEqual(Object.keys(ERROR_CODES));
    expect(schemas.Problem.properties.code).toEqual({ $ref: '#/components/schemas/ProblemCode' });
  });

  it('reads the spellings older writers stored (credential, personal) as the list names them (ADR 0040)', async () => {
    const user = await signUp(ctx.app);
    const legacy = (action: string, targetType: string, targetId: string) => ({
      user_id: user.id,
      actor_credential_id: null,
      actor_kind: null,
      action,
      target_type: targetType,
      target_id: targetId,
      outcome: 'success' as const,
      ip: null,
      user_agent: null,
      request_id: null,
      metadata: '{}',
      created_at: new Date(),
    });
    await ctx.store.db
      .insertInto('audit_events')
      .values([
        legacy('automation_token.created', 'credential', 'legacy-automation'),
        legacy('token.leaked_revoked', 'personal', 'legacy-pat'),
        legacy('auth.token_revoked', 'refresh', 'legacy-refresh'),
      ])
      .execute();
    const events = (
      await ctx.app.inject({ url: '/api/account/audit-log', headers: { cookie: user.cookie } })
    ).json().events as Array<{ target_id: string; target_type: string }>;
    const typeOf = (id: string) => events.find((event) => event.target_id === id)?.target_type;
    expect(typeOf('legacy-automation')).toBe('automation_token');
    expect(typeOf('legacy-pat')).toBe('personal_access_token');
    expect(typeOf('legacy-refresh')).toBe('refresh');
  });
});
