import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, expectProblem, uploadFile } from '../../../test/agent-helpers.ts';
import { accessTokenFor, bearer, signUp, useSecondApp, useTestApp } from '../../../test/harness.ts';
import type { App } from '../../platform/http/schemas.ts';

/**
 * One user cannot fill the disk (issue #10, "Also: Uploads"): a storage quota over all of a
 * user's agent files (413 storage_quota_exceeded, nothing kept), held under concurrent uploads,
 * and a per-user upload rate limit (429 with Retry-After).
 */

const QUOTA = 1000;
let uploadDir: string;
beforeAll(async () => {
  uploadDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-agent-quota-'));
});
afterAll(async () => {
  await rm(uploadDir, { recursive: true, force: true });
});

const env = () => ({
  AGENT_UPLOAD_DIR: uploadDir,
  AGENT_UPLOAD_MAX_BYTES: '4096',
  AGENT_STORAGE_QUOTA_BYTES: String(QUOTA),
});
const ctx = useTestApp(() => ({ env: { ...env(), RATE_LIMIT_UPLOADS_PER_MINUTE: '1000' } }));
const limitedApp = useSecondApp(ctx, () => ({ env: { ...env(), RATE_LIMIT_UPLOADS_PER_MINUTE: '3' } }));
let app: App;
let limited: App;
beforeAll(() => {
  app = ctx.app;
  limited = limitedApp.app;
});

async function owner(target: App = app) {
  const user = await signUp(target);
  const auth = bearer((await accessTokenFor(target, user)).access_token);
  const agent = await createAgent(target, auth);
  return { user, auth, agentId: agent.agent_id };
}

async function storedBytesOf(userId: string) {
  const row = await ctx.store.db
    .selectFrom('agent_files')
    .innerJoin('agents', 'agents.id', 'agent_files.agent_id')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>('agent_files.size'), eb.val('0')).as('used'))
    .where('agents.owner_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.used);
}

async function incomingFiles() {
  return readdir(path.join(uploadDir, '.incoming')).catch(() => [] as string[]);
}

describe('the per-user storage quota', () => {
  it('accepts files up to the quota over all the user’s agents, then refuses with 413 storage_quota_exceeded', async () => {
    const { user, auth, agentId } = await owner();
    const second = await createAgent(app, auth);
    expect(
      (await uploadFile(app, auth, agentId, { filename: 'a', content: Buffer.alloc(600) })).statusCode,
    ).toBe(201);
    expect(
      (await uploadFile(app, auth, second.agent_id, { filename: 'b', content: Buffer.alloc(400) }))
        .statusCode,
    ).toBe(201);

    const over = await uploadFile(app, auth, second.agent_id, { filename: 'c', content: Buffer.alloc(1) });
    expectProblem(over, 413, 'storage_quota_exceeded');
    expect(over.json().detail).toContain(`use 1000 of your ${QUOTA}-byte storage quota`);
    expect(await storedBytesOf(user.id)).toBe(1000);
    expect(await readdir(path.join(uploadDir, second.agent_id))).toHaveLength(1);
    expect(await incomingFiles()).toEqual([]);

    // Someone else has their own quota; deleting an agent makes room again.
    const other = await owner();
    expect(
      (await uploadFile(app, other.auth, other.agentId, { filename: 'x', content: 'x' })).statusCode,
    ).toBe(201);
    await app.inject({ method: 'DELETE', url: `/api/agents/${agentId}`, headers: auth });
    expect(
      (await uploadFile(app, auth, second.agent_id, { filename: 'd', content: Buffer.alloc(600) }))
        .statusCode,
    ).toBe(201);
  });

  it('refuses a file that would cross the quota part-way, keeping no partial file', async () => {
    const { user, auth, agentId } = await owner();
    expect(
      (await uploadFile(app, auth, agentId, { filename: 'a', content: Buffer.alloc(900) })).statusCode,
    ).toBe(201);
    const over = await uploadFile(app, auth, agentId, { filename: 'big', content: Buffer.alloc(3000) });
    expectProblem(over, 413, 'storage_quota_exceeded');
    expect(over.json().detail).toMatch(/use 900 of your 1000-byte storage quota/);
    expect(await storedBytesOf(user.id)).toBe(900);
    expect(await readdir(path.join(uploadDir, agentId))).toHaveLength(1);
    expect(await incomingFiles()).toEqual([]);
  });

  it('holds under concurrent uploads: the room is taken under a lock, never twice', async () => {
    const { user, auth, agentId } = await owner();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        uploadFile(app, auth, agentId, { filename: `f${i}`, content: Buffer.alloc(300) }),
      ),
    );
    const statuses = answers.map((answer) => answer.statusCode).sort();
    // Three files of 300 bytes fit into 1000; every other upload is refused whatever the interleaving.
    expect(statuses).toEqual([201, 201, 201, 413, 413, 413, 413, 413]);
    for (const answer of answers.filter((a) => a.statusCode === 413)) {
      expect(answer.json().code).toBe('storage_quota_exceeded');
    }
    expect(await storedBytesOf(user.id)).toBe(900);
    expect(await readdir(path.join(uploadDir, agentId))).toHaveLength(3);
    expect(await incomingFiles()).toEqual([]);
  });
});

describe('the per-user upload rate limit', () => {
  it('answers 429 rate_limited with Retry-After beyond RATE_LIMIT_UPLOADS_PER_MINUTE, per user', async () => {
    const { auth, agentId } = await owner(limited);
    for (let i = 0; i < 3; i += 1) {
      expect((await uploadFile(limited, auth, agentId, { filename: `f${i}`, content: 'x' })).statusCode).toBe(
        201,
      );
    }
    const refused = await uploadFile(limited, auth, agentId, { filename: 'f4', content: 'x' });
    expectProblem(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    // Another user (from the same address) still uploads.
    const other = await owner(limited);
    expect(
      (await uploadFile(limited, other.auth, other.agentId, { filename: 'y', content: 'y' })).statusCode,
    ).toBe(201);
  });
});
