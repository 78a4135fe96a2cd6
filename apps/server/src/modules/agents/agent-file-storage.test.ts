import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.ts';
import { createAgentFileStorage, displayFileName } from './agent-file-storage.ts';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'tessera-agent-storage-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function allFiles() {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

/** A source that sends some bytes, then fails as a broken-off request body does. */
function brokenSource() {
  return new Readable({
    read() {
      this.push(Buffer.alloc(10, 1));
      this.destroy(new Error('Unexpected end of multipart data'));
    },
  });
}

describe('agent file storage', () => {
  const storage = () => createAgentFileStorage({ root, maxBytes: 100 });

  it('hashes and measures while it writes, and moves the file into place on keep', async () => {
    const content = Buffer.from('hello agent');
    const received = await storage().receive(
      'agt_a',
      Readable.from([content.subarray(0, 5), content.subarray(5)]),
    );
    expect(received.size).toBe(content.length);
    expect(received.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    await storage().keep(received, 'fil_1');
    expect(await readFile(path.join(root, 'agt_a', 'fil_1'))).toEqual(content);
    await storage().removeAgentFiles('agt_a');
    expect(await allFiles()).toEqual([]);
  });

  it('refuses more than maxBytes with payload_too_large and leaves no temporary file', async () => {
    const error = await storage()
      .receive('agt_b', Readable.from([Buffer.alloc(60), Buffer.alloc(41)]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('payload_too_large');
    expect(await allFiles()).toEqual([]);
  });

  it('blames a source that breaks off on the client (invalid_request) and leaves no temporary file', async () => {
    const error = await storage()
      .receive('agt_c', brokenSource())
      .catch((e: unknown) => e);
    expect((error as AppError).code).toBe('invalid_request');
    expect(await allFiles()).toEqual([]);
  });

  it('leaves a failure on our side (the folder cannot be made) a server error, not a 4xx', async () => {
    const blockedRoot = path.join(root, 'a-file-not-a-folder');
    await writeFile(blockedRoot, '');
    const blocked = createAgentFileStorage({ root: blockedRoot, maxBytes: 100 });
    const error = await blocked.receive('agt_d', Readable.from([Buffer.from('x')])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(AppError);
    await rm(blockedRoot);
  });

  it('never builds a path from an id that could leave its folder', () => {
    for (const id of ['../etc', 'a/b', '', '.', '..', 'a\\b', 'a\u0000b', 'x'.repeat(101)]) {
      expect(() => storage().pathOf(id, 'fil_1')).toThrow(/unsafe storage name/);
      expect(() => storage().pathOf('agt_a', id)).toThrow(/unsafe storage name/);
    }
  });
});

describe('display file name', () => {
  it.each([
    ['report.pdf', 'report.pdf'],
    ['/home/me/report.pdf', 'report.pdf'],
    ['C:\\Users\\me\\report.pdf', 'report.pdf'],
    ['../../../etc/passwd', 'passwd'],
    ['dir/', 'file'],
    ['  spaced name.txt  ', 'spaced name.txt'],
    ['tab\tname', 'tabname'],
    ['e\u0301.txt', 'é.txt'],
    ['\u202Egpj.exe', 'gpj.exe'],
    [undefined, 'file'],
  ])('shows %j as %j', (raw, shown) => {
    expect(displayFileName(raw)).toBe(shown);
  });

  it('never yields a path separator, a control character, a dot-only name or more than 255 characters', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 600 }), fc.string()), (raw) => {
        const shown = displayFileName(raw);
        expect(shown).not.toMatch(/[\\/\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u);
        expect(['', '.', '..']).not.toContain(shown);
        expect(Array.from(shown).length).toBeLessThanOrEqual(255);
        expect(displayFileName(shown)).toBe(shown);
      }),
      { numRuns: 500 },
    );
  });
});
