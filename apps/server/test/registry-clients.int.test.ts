import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { fieldLines } from './fixtures/field-lines.ts';
import { createPat } from './fixtures/index.ts';
import { accessTokenFor, signUp, useTestApp } from './harness.ts';

/**
 * The conformance test of issue 11: clients written for the agents registry's PAT document
 * (fixtures/registry-clients: curl, Python requests, a Node axios-style client, shell + jq) run
 * against a listening server with only the base URL and tokens substituted. Each makes the
 * document's calls — methods, paths, Content-Type: application/json on every call, bodies —
 * and reads answers the document's way (agent_id, `.agents | length`, error.response.data.message).
 */
const run = promisify(execFile);
const fixtures = path.join(import.meta.dirname, 'fixtures', 'registry-clients');

function available(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const hasPythonRequests = available('python3', ['-c', 'import requests']);
const hasJq = available('jq', ['--version']);
const hasCurl = available('curl', ['--version']);

const ctx = useTestApp();
let base: string;
let pat: string;
let interactive: string;

// Registered after useTestApp: runs once the app is built; the app's teardown closes the listener.
beforeAll(async () => {
  const app = ctx.app;
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  base = `http://127.0.0.1:${address.port}/api`;
  const user = await signUp(app);
  interactive = (await accessTokenFor(app, user)).access_token;
  pat = (
    await createPat(app, user, {
      name: 'registry clients',
      scopes: ['agents:read', 'agents:write'],
      expires_in_days: null,
    })
  ).secret;
});

describe('the registry document’s clients, unchanged but for base URL and token', () => {
  it.skipIf(!hasCurl)('curl examples', async () => {
    const { stdout } = await run('bash', [path.join(fixtures, 'curl-examples.sh')], {
      env: {
        ...process.env,
        REGISTRY_BASE_URL: base,
        REGISTRY_PAT: pat,
        REGISTRY_INTERACTIVE_TOKEN: interactive,
      },
    });
    expect(fieldLines(stdout)).toEqual({
      create: '201',
      get: '200',
      update: '200',
      list: '200',
      delete: '204',
      'health-head': '200',
      'root-health-head': '200',
      'pat-info': 'true',
      generate: '201',
      revoke: '200',
      'pat-on-users': '401',
    });
  });

  it.skipIf(!hasPythonRequests)('Python requests client', async () => {
    const { stdout } = await run('python3', [path.join(fixtures, 'registry_client.py')], {
      env: { ...process.env, REGISTRY_BASE_URL: base, AGENTS_REGISTRY_PAT: pat },
    });
    const out = fieldLines(stdout);
    expect(out.create).toMatch(/^agt_/);
    expect(out.category).toBe('other');
    expect(out.keys).toBe('2'); // { agents, next_cursor }: the migration page explains
    expect(Number(out.agents)).toBeGreaterThan(0);
    expect(out.update).toBe('Updated');
    expect(out.delete).toBe('204');
  });
  if (!hasPythonRequests)
    it.skip('Python requests client: skipped, python3 with requests is not installed', () => {});

  it('Node axios-style client', async () => {
    const { stdout } = await run(process.execPath, [path.join(fixtures, 'registry-client.mjs')], {
      env: { ...process.env, REGISTRY_BASE_URL: base, AGENTS_REGISTRY_PAT: pat },
    });
    const out = fieldLines(stdout);
    expect(out.create).toMatch(/^agt_/);
    expect(Number(out.agents)).toBeGreaterThan(0);
    expect(out.update).toBe('Updated');
    expect(out.delete).toBe('ok');
    // error.response.data.message carries the server's explanation.
    expect(out.error).toBe('Failed to create agent: The request does not match the schema.');
  });

  it.skipIf(!hasJq || !hasCurl)('shell + jq script', async () => {
    const { stdout } = await run('bash', [path.join(fixtures, 'registry-shell.sh')], {
      env: { ...process.env, API_BASE_URL: base, AGENTS_REGISTRY_PAT: pat },
    });
    const out = fieldLines(stdout);
    expect(out.create).toMatch(/^agt_/);
    expect(Number(out.count)).toBeGreaterThan(0);
    expect(out.update).toBe('Updated from the shell');
    expect(out['after-delete']).toBe('not_found');
    expect(out['error-message']).toBe('There is no such agent.');
  });
});
