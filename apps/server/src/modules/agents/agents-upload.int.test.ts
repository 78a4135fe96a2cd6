import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  createAgent,
  expectProblem,
  type Headers,
  multipartBody,
  type Part,
  uploadFile,
} from '../../../test/agent-helpers.ts';
import { deleteAccount } from '../../../test/fixtures/accounts.ts';
import { raceContext as context, expectNotFound, type Gate, gate } from '../../../test/fixtures/races.ts';
import { accessTokenFor, bearer, signUp, testClock, useTestApp } from '../../../test/harness.ts';
import { createAuditRepository } from '../audit/audit.repository.ts';
import { createAuditService } from '../audit/audit.service.ts';
import { type AgentFileStorage, createAgentFileStorage } from './agent-file-storage.ts';
import { createAgentRepository } from './agents.repository.ts';
import { createAgentService } from './agents.service.ts';

const MAX_BYTES = 4096;
let uploadDir: string;
const clock = testClock(new Date('2025-05-01T10:00:00.000Z'));

beforeAll(async () => {
  uploadDir = await mkdtemp(path.join(os.tmpdir(), 'tessera-agent-uploads-'));
});
afterAll(async () => {
  await rm(uploadDir, { recursive: true, force: true });
});

const ctx = useTestApp(() => ({
  clock,
  env: { AGENT_UPLOAD_DIR: uploadDir, AGENT_UPLOAD_MAX_BYTES: String(MAX_BYTES) },
}));

const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

async function ownerWithAgent() {
  const user = await signUp(ctx.app);
  const { access_token } = await accessTokenFor(ctx.app, user);
  const auth = bearer(access_token);
  const agent = await createAgent(ctx.app, auth);
  return { user, auth, agentId: agent.agent_id, agent };
}

/** The agent's file rows in the store (their ids). */
function fileRowsOf(agentId: string) {
  return ctx.store.db.selectFrom('agent_files').select('id').where('agent_id', '=', agentId).execute();
}

/** Every file under the upload folder, temporary ones included, relative to it. */
async function filesOnDisk(): Promise<string[]> {
  const entries = await readdir(uploadDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(uploadDir, path.join(entry.parentPath, entry.name)))
    .sort();
}

async function filesOf(agentId: string) {
  return (await filesOnDisk()).filter((file) => file.startsWith(`${agentId}${path.sep}`));
}

/** The port of the app on a real socket (for tests that need to control the request body's timing). */
async function listeningPort(): Promise<number> {
  if (!ctx.app.server.listening) await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  return (ctx.app.server.address() as AddressInfo).port;
}

function sendParts(
  auth: Headers,
  agentId: string,
  parts: Part[],
  options?: { boundary?: string; close?: boolean },
) {
  const body = multipartBody(parts, options);
  return ctx.app.inject({
    method: 'POST',
    url: `/api/agents/${agentId}/upload`,
    headers: { ...auth, ...body.headers },
    payload: body.payload,
  });
}

describe('uploading a file', () => {
  it('stores the file, answers 201 { file: { id, name, size, sha256 } } and lists it on the agent', async () => {
    const { auth, agentId, user } = await ownerWithAgent();
    const content = Buffer.from('def run():\n    return "hello"\n');
    clock.advance(60_000);
    const response = await uploadFile(ctx.app, auth, agentId, { filename: 'agent.py', content });
    expect(response.statusCode).toBe(201);
    const { file } = response.json();
    expect(Object.keys(file).sort()).toEqual(['id', 'name', 'sha256', 'size']);
    expect(file).toMatchObject({ name: 'agent.py', size: content.length, sha256: sha256(content) });
    expect(file.id).toMatch(/^fil_[A-Za-z0-9_-]{22}$/);

    // On disk under a generated name, with the same bytes, and nothing else.
    expect(await filesOf(agentId)).toEqual([path.join(agentId, file.id)]);
    expect(await readFile(path.join(uploadDir, agentId, file.id))).toEqual(content);

    const read = await ctx.app.inject({ method: 'GET', url: `/api/agents/${agentId}`, headers: auth });
    expect(read.json()).toMatchObject({
      status: 'ready',
      files: [file],
      updated_at: clock.now().toISOString(),
    });
    const listed = await ctx.app.inject({ method: 'GET', url: '/api/agents?mine=true', headers: auth });
    expect(listed.json().agents[0].files).toEqual([file]);

    const log = await ctx.app.inject({
      method: 'GET',
      url: '/api/account/audit-log',
      headers: { cookie: user.cookie },
    });
    expect(log.json().events[0]).toMatchObject({
      action: 'agent.file_uploaded',
      target_id: agentId,
      metadata: { file_id: file.id, size: content.length, sha256: sha256(content) },
    });
  });

  it('keeps several files in upload order, and an empty file is a file', async () => {
    const { auth, agentId } = await ownerWithAgent();
    const first = (await uploadFile(ctx.app, auth, agentId, { filename: 'a.txt', content: 'a' })).json().file;
    clock.advance(1);
    const empty = await uploadFile(ctx.app, auth, agentId, { filename: 'empty.txt', content: '' });
    expect(empty.statusCode).toBe(201);
    expect(empty.json().file).toMatchObject({ size: 0, sha256: sha256('') });
    const read = await ctx.app.inject({ method: 'GET', url: `/api/agents/${agentId}`, headers: auth });
    expect(read.json().files.map((f: { id: string }) => f.id)).toEqual([first.id, empty.json().file.id]);
  });

  it('accepts exactly the limit, and refuses one byte more with 413 leaving nothing on disk', async () => {
    const { auth, agentId } = await ownerWithAgent();
    const atLimit = await uploadFile(ctx.app, auth, agentId, {
      filename: 'max.bin',
      content: Buffer.alloc(MAX_BYTES, 1),
    });
    expect(atLimit.statusCode).toBe(201);
    expect(atLimit.json().file.size).toBe(MAX_BYTES);

    const before = await filesOf(agentId);
    for (const size of [MAX_BYTES + 1, MAX_BYTES * 50]) {
      const response = await uploadFile(ctx.app, auth, agentId, {
        filename: 'big.bin',
        content: Buffer.alloc(size, 2),
      });
      expectProblem(response, 413, 'payload_too_large');
      expect(response.headers.connection).toBe('close');
    }
    expect(await filesOf(agentId)).toEqual(before);
    const read = await ctx.app.inject({ method: 'GET', url: `/api/agents/${agentId}`, headers: auth });
    expect(read.json().files).toHaveLength(1);
  });

  it.each([
    { from: 'a Unix path', raw: '../../../etc/passwd', shown: 'passwd' },
    { from: 'a Windows path', raw: '..\\..\\Windows\\win.ini', shown: 'win.ini' },
    { from: 'only dots', raw: '..', shown: 'file' },
    { from: 'nothing', raw: '', shown: 'file' },
    { from: 'control characters', raw: 'a\u0007b\u0000c.txt', shown: 'abc.txt' },
    { from: 'a right-to-left override', raw: 'invoice\u202Efdp.exe', shown: 'invoicefdp.exe' },
  ])(
    'keeps only a harmless display name from $from, and stores under a generated name',
    async ({ raw, shown }) => {
      const { auth, agentId } = await ownerWithAgent();
      const response = await uploadFile(ctx.app, auth, agentId, { filename: raw, content: 'x' });
      expect(response.statusCode).toBe(201);
      const { file } = response.json();
      expect(file.name).toBe(shown);
      expect(await filesOf(agentId)).toEqual([path.join(agentId, file.id)]);
      expect(existsSync(path.join(uploadDir, '..', 'etc'))).toBe(false);
    },
  );

  it('clips a long file name to 255 characters', async () => {
    const { auth, agentId } = await ownerWithAgent();
    const response = await uploadFile(ctx.app, auth, agentId, {
      filename: `${'n'.repeat(300)}.txt`,
      content: 'x',
    });
    expect(response.json().file.name).toHaveLength(255);
  });
});

describe('refused uploads leave nothing behind', () => {
  it.each<[string, Part[]]>([
    ['no part at all', []],
    ['only a text field', [{ name: 'name', content: 'x' }]],
    [
      'two files',
      [
        { name: 'file', filename: 'a.txt', content: 'a' },
        { name: 'file', filename: 'b.txt', content: 'b' },
      ],
    ],
    [
      'a file and a field',
      [
        { name: 'file', filename: 'a.txt', content: 'a' },
        { name: 'note', content: 'hello' },
      ],
    ],
    [
      'a field and a file',
      [
        { name: 'note', content: 'hello' },
        { name: 'file', filename: 'a.txt', content: 'a' },
      ],
    ],
  ])('refuses %s with 400 invalid_request', async (_label, parts) => {
    const { auth, agentId } = await ownerWithAgent();
    expectProblem(await sendParts(auth, agentId, parts), 400, 'invalid_request');
    expect(await filesOf(agentId)).toEqual([]);
    const read = await ctx.app.inject({ method: 'GET', url: `/api/agents/${agentId}`, headers: auth });
    expect(read.json()).toMatchObject({ status: 'draft', files: [] });
  });

  it('refuses a body cut off in the middle of the file with 400', async () => {
    const { auth, agentId } = await ownerWithAgent();
    const response = await sendParts(
      auth,
      agentId,
      [{ name: 'file', filename: 'a.txt', content: 'partial' }],
      {
        close: false,
      },
    );
    expectProblem(response, 400, 'invalid_request');
    expect(await filesOf(agentId)).toEqual([]);
  });

  it('refuses a multipart content type without a boundary, and a JSON body, without a 5xx', async () => {
    const { auth, agentId } = await ownerWithAgent();
    const noBoundary = await ctx.app.inject({
      method: 'POST',
      url: `/api/agents/${agentId}/upload`,
      headers: { ...auth, 'content-type': 'multipart/form-data' },
      payload: 'whatever',
    });
    expectProblem(noBoundary, 400, 'invalid_request');
    const json = await ctx.app.inject({
      method: 'POST',
      url: `/api/agents/${agentId}/upload`,
      headers: auth,
      payload: { file: 'aGVsbG8=' },
    });
    expectProblem(json, 415, 'unsupported_media_type');
    expect(await filesOf(agentId)).toEqual([]);
  });

  it("answers 404 for an unknown agent and for another user's agent, and writes nothing", async () => {
    const { agentId } = await ownerWithAgent();
    const stranger = await ownerWithAgent();
    const before = await filesOnDisk();
    expectProblem(
      await uploadFile(ctx.app, stranger.auth, agentId, { filename: 'x', content: 'x' }),
      404,
      'not_found',
    );
    expectProblem(
      await uploadFile(ctx.app, stranger.auth, 'agt_0000000000000000000000', { filename: 'x', content: 'x' }),
      404,
      'not_found',
    );
    expect(await filesOnDisk()).toEqual(before);
  });

  it('refuses an oversized upload over a real connection promptly, closing it, with no file left', async () => {
    const { auth, agentId } = await ownerWithAgent();
    const port = await listeningPort();
    onTestFinished(() => ctx.app.server.closeAllConnections?.());
    const boundary = 'tessera-stream-boundary';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.bin"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    );
    const answer = await new Promise<{ status: number; connection: string | undefined; body: string }>(
      (resolve, reject) => {
        const request = http.request({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/api/agents/${agentId}/upload`,
          headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
        });
        request.on('response', (response) => {
          let body = '';
          response.on('data', (chunk) => {
            body += chunk;
          });
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, body }),
          );
        });
        // The server may close while we are still sending; that is the point.
        request.on('error', (error) => {
          if (
            (error as NodeJS.ErrnoException).code !== 'EPIPE' &&
            (error as NodeJS.ErrnoException).code !== 'ECONNRESET'
          )
            reject(error);
        });
        request.write(head);
        // Far more than the limit, sent in chunks; the body never ends on its own.
        let sent = 0;
        const chunk = Buffer.alloc(1024, 7);
        const pump = () => {
          while (sent < MAX_BYTES * 256 && !request.destroyed) {
            sent += chunk.length;
            if (!request.write(chunk)) {
              request.once('drain', pump);
              return;
            }
          }
        };
        pump();
      },
    );
    expect(answer.status).toBe(413);
    expect(answer.connection).toBe('close');
    expect(JSON.parse(answer.body).code).toBe('payload_too_large');
    expect(await filesOf(agentId)).toEqual([]);
  });
});

describe('deleting an agent removes its files', () => {
  it('removes the files from disk and the agent folder with them', async () => {
    const { auth, agentId } = await ownerWithAgent();
    const keep = await ownerWithAgent();
    await uploadFile(ctx.app, auth, agentId, { filename: 'a.txt', content: 'a' });
    await uploadFile(ctx.app, auth, agentId, { filename: 'b.txt', content: 'b' });
    await uploadFile(ctx.app, keep.auth, keep.agentId, { filename: 'c.txt', content: 'c' });
    expect(await filesOf(agentId)).toHaveLength(2);

    const response = await ctx.app.inject({ method: 'DELETE', url: `/api/agents/${agentId}`, headers: auth });
    expect(response.statusCode).toBe(204);
    expect(existsSync(path.join(uploadDir, agentId))).toBe(false);
    expect(await filesOf(keep.agentId)).toHaveLength(1);
    expect(await fileRowsOf(agentId)).toEqual([]);
  });
});

describe('deleting the account removes its agents’ files', () => {
  it('removes every agent folder of the deleted user and nobody else’s', async () => {
    const { user, auth, agentId } = await ownerWithAgent();
    const second = await createAgent(ctx.app, auth);
    const keep = await ownerWithAgent();
    await uploadFile(ctx.app, auth, agentId, { filename: 'a.txt', content: 'a' });
    await uploadFile(ctx.app, auth, second.agent_id, { filename: 'b.txt', content: 'b' });
    await uploadFile(ctx.app, keep.auth, keep.agentId, { filename: 'c.txt', content: 'c' });

    const response = await deleteAccount(ctx.app, user);
    expect(response.statusCode).toBe(204);
    // The files go after COMMIT, without holding up the answer.
    await expect.poll(() => existsSync(path.join(uploadDir, agentId)), { timeout: 10_000 }).toBe(false);
    await expect
      .poll(() => existsSync(path.join(uploadDir, second.agent_id)), { timeout: 10_000 })
      .toBe(false);
    expect(await filesOf(keep.agentId)).toHaveLength(1);
  });

  it('keeps the files when the password is wrong and nothing is deleted', async () => {
    const { user, auth, agentId } = await ownerWithAgent();
    await uploadFile(ctx.app, auth, agentId, { filename: 'a.txt', content: 'a' });
    const response = await deleteAccount(ctx.app, user, `${user.password}!`);
    // A wrong confirmation is a field error on the throttled confirmation path (ADR 0014).
    expect(response.statusCode).toBe(400);
    expect(await filesOf(agentId)).toHaveLength(1);
  });
});

type StorageStep = 'receive' | 'received' | 'keep' | 'removeAgentFiles';

/**
 * The real storage, with a gate before (and, for `received`, after) each step, so that a test
 * decides where the other request runs: each interleaving is driven explicitly, not left to
 * turns of the event loop (issue #18).
 */
function steppedStorage(storage: AgentFileStorage, gates: Partial<Record<StorageStep, Gate>>) {
  return {
    ...storage,
    async receive(...args: Parameters<AgentFileStorage['receive']>) {
      await gates.receive?.pass();
      const received = await storage.receive(...args);
      await gates.received?.pass();
      return received;
    },
    async keep(...args: Parameters<AgentFileStorage['keep']>) {
      await gates.keep?.pass();
      return storage.keep(...args);
    },
    async removeAgentFiles(agentId: string) {
      await gates.removeAgentFiles?.pass();
      return storage.removeAgentFiles(agentId);
    },
  } satisfies AgentFileStorage;
}

/** An agent service over the app's store and upload folder, whose storage steps the test drives. */
function serviceWith(gates: Partial<Record<StorageStep, Gate>>) {
  return createAgentService({
    db: ctx.store.db,
    agents: createAgentRepository(ctx.store.db, ctx.store.prepare),
    storage: steppedStorage(createAgentFileStorage({ root: uploadDir, maxBytes: MAX_BYTES }), gates),
    audit: createAuditService({ audit: createAuditRepository(ctx.store.db), clock }),
    clock,
    quotaBytes: Number.MAX_SAFE_INTEGER,
  });
}

/** A file body the test ends when it wants; `pulled` resolves when the storage first reads it. */
function heldContent() {
  let pulled!: () => void;
  const firstRead = new Promise<void>((resolve) => {
    pulled = resolve;
  });
  const content = new Readable({
    read() {
      pulled();
    },
  });
  return {
    content,
    firstRead,
    finish(bytes = Buffer.alloc(300, 5)) {
      content.push(bytes);
      content.push(null);
    },
  };
}

async function expectNothingLeftFor(agentId: string) {
  expect(existsSync(path.join(uploadDir, agentId))).toBe(false);
  expect(await filesOnDisk()).not.toContainEqual(expect.stringMatching(/^\.incoming\//));
  expect(await fileRowsOf(agentId)).toEqual([]);
}

/**
 * A new owner's agent, and the service's upload of `a.bin` to it already started, with the storage
 * steps in `gates` held; `deleteAgent` deletes the agent as its owner, through the same service.
 */
async function uploadRacing(
  gates: Partial<Record<StorageStep, Gate>>,
  content: Readable = Readable.from([Buffer.alloc(200, 1)]),
) {
  const { user, agentId } = await ownerWithAgent();
  const service = serviceWith(gates);
  return {
    agentId,
    upload: service.uploadAgentFile(user.id, agentId, { name: 'a.bin', content }, context),
    deleteAgent: () => service.deleteAgent(user.id, agentId, context),
  };
}

/**
 * The agent deleted while its upload is held; `release` lets the upload go on, which then answers
 * not_found and leaves nothing behind (no file, no folder, no row).
 */
async function expectLostToDeletion(race: Awaited<ReturnType<typeof uploadRacing>>, release: () => void) {
  await race.deleteAgent();
  release();
  await expectNotFound(race.upload);
  await expectNothingLeftFor(race.agentId);
}

describe('an upload racing the deletion of its agent (each interleaving driven explicitly)', () => {
  it('deleted after the upload checked the agent, before the content arrives: 404, nothing kept', async () => {
    const receive = gate();
    const held = heldContent();
    const race = await uploadRacing({ receive }, held.content);
    await receive.reached;
    await expectLostToDeletion(race, () => {
      receive.open();
      held.finish();
    });
  });

  it('deleted while the content streams in: the agent folder is never touched, 404, nothing kept', async () => {
    const held = heldContent();
    const race = await uploadRacing({}, held.content);
    await held.firstRead;
    // The content is on its way to disk, but not into the agent's folder (the 500 of issue #18:
    // the deletion removed that folder between the upload's mkdir and its open).
    expect(existsSync(path.join(uploadDir, race.agentId))).toBe(false);
    await expectLostToDeletion(race, () => held.finish());
  });

  it('deleted after the content arrived, before the upload locks the agent: 404, nothing kept', async () => {
    const received = gate();
    const race = await uploadRacing({ received });
    await received.reached;
    await expectLostToDeletion(race, () => received.open());
  });

  it('deleted while the upload holds the agent: the upload wins (201), then the deletion removes it all', async () => {
    const keep = gate();
    const { agentId, upload, deleteAgent } = await uploadRacing({ keep });
    await keep.reached;
    // Waits for the upload's row lock (PostgreSQL) or its connection (PGlite).
    const deletion = deleteAgent();
    keep.open();
    const file = await upload;
    expect(file.size).toBe(200);
    await deletion;
    await expectNothingLeftFor(agentId);
  });

  it('deletion committed but its folder removal not yet run while the upload finishes: 404, nothing kept', async () => {
    const receive = gate();
    const removeAgentFiles = gate();
    const { agentId, upload, deleteAgent } = await uploadRacing({ receive, removeAgentFiles });
    await receive.reached;
    const deletion = deleteAgent();
    await removeAgentFiles.reached;
    receive.open();
    await expectNotFound(upload);
    removeAgentFiles.open();
    await deletion;
    await expectNothingLeftFor(agentId);
  });

  it('over HTTP: an agent deleted before its upload body ends answers 404 not_found and keeps nothing', async () => {
    const { auth, agentId } = await ownerWithAgent();
    const boundary = 'tessera-held-boundary';
    const body = new PassThrough();
    body.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.bin"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    );
    body.write(Buffer.alloc(100, 1));
    const upload = ctx.app.inject({
      method: 'POST',
      url: `/api/agents/${agentId}/upload`,
      headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: body,
    });
    // The upload cannot commit before its body ends (it checks that no second part follows).
    const deleted = await ctx.app.inject({ method: 'DELETE', url: `/api/agents/${agentId}`, headers: auth });
    expect(deleted.statusCode).toBe(204);
    body.end(Buffer.concat([Buffer.alloc(100, 1), Buffer.from(`\r\n--${boundary}--\r\n`)]));
    expectProblem(await upload, 404, 'not_found');
    await expectNothingLeftFor(agentId);
  });
});
