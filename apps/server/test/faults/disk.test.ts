import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLedger, startLoad } from './load.ts';
import { mountTmpfsFolder, signUpOver, startTessera, type TesseraProcess, until } from './support.ts';

/**
 * Scenario 6: the upload folder is full, then read-only. The folder is a private 512 KiB tmpfs
 * mounted for this test (root with CAP_SYS_ADMIN, as in CI): "full" is a real ENOSPC and
 * "read-only" a real EROFS (`mount -o remount,ro`), which chmod cannot give a root process.
 * Where mounting is not allowed the scenario is skipped with a warning. ADR 0026.
 */
const uploads = mountTmpfsFolder('tessera-faults-disk', 'uploads', '512k', 'the disk scenario');
const { mounted, dir: uploadDir } = uploads;
const dataDir = path.join(uploads.root, 'data');
const remount = (mode: 'ro' | 'rw') => execFileSync('mount', ['-o', `remount,${mode}`, uploadDir]);

let server: TesseraProcess | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  uploads.remove();
});

function multipart(name: string, content: Buffer) {
  const boundary = `----tesserafaults${Date.now()}`;
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

/** Every file under the upload folder, staging (`.incoming/`) included. */
function filesOnDisk(): string[] {
  return readdirSync(uploadDir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(uploadDir, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe.skipIf(!mounted)('disk faults (a private tmpfs as the upload folder)', () => {
  it('scenario 6: full disk → 507, read-only → 503 + Retry-After, both problem+json with no partial file; reads keep being served; uploads recover', async () => {
    server = await startTessera({
      TESSERA_DATA_DIR: dataDir,
      AGENT_UPLOAD_DIR: uploadDir,
      AGENT_UPLOAD_MAX_BYTES: String(4 * 1024 * 1024),
      RATE_LIMIT_UPLOADS_PER_MINUTE: '1000',
    });
    const base = server.base;
    const users = [await signUpOver(base, 'disk-a'), await signUpOver(base, 'disk-b')];
    const pat = await fetch(`${base}/api/account/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: users[0]!.cookie },
      body: JSON.stringify({ name: 'disk', scopes: ['agents:read', 'agents:write', 'profile:read'] }),
    });
    const { secret } = (await pat.json()) as { secret: string };
    const auth = { authorization: `Bearer ${secret}` };
    const created = await fetch(`${base}/api/agents`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Disk fault agent',
        description: 'Holds files while the disk misbehaves.',
        category: 'writing',
        framework: 'langchain',
        tags: ['faults'],
        visibility: 'private',
      }),
    });
    expect(created.status).toBe(201);
    const agentId = ((await created.json()) as { agent_id: string }).agent_id;
    const upload = (name: string, size: number) => {
      const { body, type } = multipart(name, Buffer.alloc(size, 7));
      return fetch(`${base}/api/agents/${agentId}/upload`, {
        method: 'POST',
        headers: { ...auth, 'content-type': type },
        body,
      });
    };
    const reads = async () => {
      const agent = await fetch(`${base}/api/agents/${agentId}`, { headers: auth });
      const me = await fetch(`${base}/api/me`, { headers: auth });
      return [agent.status, me.status];
    };

    const load = startLoad({
      bases: () => [base],
      users,
      clients: 2,
      pauseMs: 30,
    });
    const { ledger } = load;

    expect((await upload('small.bin', 64 * 1024)).status).toBe(201);
    const kept = filesOnDisk();
    expect(kept).toHaveLength(1);

    // Full: a file larger than the room left.
    const full = await upload('too-big.bin', 1024 * 1024);
    expect(full.status).toBe(507);
    expect(full.headers.get('content-type')).toContain('application/problem+json');
    expect(((await full.json()) as { code: string }).code).toBe('insufficient_storage');
    expect(filesOnDisk()).toEqual(kept);
    expect(await reads()).toEqual([200, 200]);

    // Read-only.
    remount('ro');
    try {
      const readOnly = await upload('read-only.bin', 1024);
      expect(readOnly.status).toBe(503);
      expect(readOnly.headers.get('content-type')).toContain('application/problem+json');
      expect(readOnly.headers.get('retry-after')).toBeTruthy();
      expect(((await readOnly.json()) as { code: string }).code).toBe('service_unavailable');
      expect(await reads()).toEqual([200, 200]);
    } finally {
      remount('rw');
    }
    expect(filesOnDisk()).toEqual(kept);

    // Back to normal: uploads work again, and the agent lists exactly the files on disk.
    await until('uploads work again', async () => (await upload('after.bin', 1024)).status === 201, 10_000);
    expect(filesOnDisk()).toHaveLength(2);
    const agent = (await (await fetch(`${base}/api/agents/${agentId}`, { headers: auth })).json()) as {
      files?: unknown[];
    };
    if (agent.files) expect(agent.files).toHaveLength(2);

    await load.stop();
    expect(await checkLedger(base, ledger)).toEqual([]);
    expect(Object.keys(ledger.statuses).filter((k) => /:5\d\d$/.test(k))).toEqual([]);
    // The log keeps why (the fs error), not just our 507/503.
    const failures = server
      .output()
      .split('\n')
      .filter((line) => line.includes('"msg":"request failed"'));
    expect(failures.some((line) => line.includes('ENOSPC'))).toBe(true);
    expect(failures.some((line) => line.includes('EROFS'))).toBe(true);
    expect(await server.stop('SIGTERM')).toBe(0);
    server = undefined;
  }, 120_000);
});
