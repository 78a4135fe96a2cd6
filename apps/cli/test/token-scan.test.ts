import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findTokens, parseToken } from '@tessera/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateToken } from '../../server/src/modules/credentials/token-format.ts';
import { scanPath } from '../src/commands/scan/scan.ts';

describe('token recognition shared by the CLI and the client', () => {
  it('agrees with the server: every generated token parses, of its kind', () => {
    for (const kind of ['ses', 'acc', 'ref', 'pat', 'aut'] as const) {
      for (let i = 0; i < 200; i++) expect(parseToken(generateToken(kind))).toBe(kind);
    }
  });

  it('refuses a token with any one character changed (the checksum makes matches exact)', () => {
    const token = generateToken('pat');
    fc.assert(
      fc.property(fc.integer({ min: 8, max: 53 }), fc.constantFrom(...'0123456789abcXYZ'), (at, c) => {
        fc.pre(token[at] !== c);
        expect(parseToken(token.slice(0, at) + c + token.slice(at + 1))).toBeNull();
      }),
    );
  });

  it('finds tokens in text with line and column, never look-alikes or longer runs', () => {
    const pat = generateToken('pat');
    const aut = generateToken('aut');
    const fake = `${pat.slice(0, -1)}${pat.endsWith('0') ? '1' : '0'}`;
    const text = `first line\nTOKEN=${pat}\n"${fake}" ${aut}x ${aut}\n`;
    expect(findTokens(text)).toEqual([
      { token: pat, kind: 'pat', line: 2, column: 7 },
      { token: aut, kind: 'aut', line: 3, column: 2 + fake.length + 1 + aut.length + 2 + 1 },
    ]);
  });

  it('scans a directory, skipping .git, node_modules and binary files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tessera-scan-'));
    try {
      const pat = generateToken('pat');
      await mkdir(path.join(dir, '.git'));
      await mkdir(path.join(dir, 'node_modules'));
      await mkdir(path.join(dir, 'src'));
      await writeFile(path.join(dir, 'src', 'config.yml'), `token: ${pat}\n`);
      await writeFile(path.join(dir, '.git', 'leak'), pat);
      await writeFile(path.join(dir, 'node_modules', 'leak'), pat);
      await writeFile(path.join(dir, 'image.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(pat)]));
      const { findings, files } = await scanPath(dir);
      expect(files).toBe(1);
      expect(findings.map((f) => [path.relative(dir, f.file), f.line, f.kind])).toEqual([
        [path.join('src', 'config.yml'), 1, 'pat'],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
