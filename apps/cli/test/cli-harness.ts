import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { App } from '../../server/src/platform/http/schemas.ts';
import { type FakeGitHub, startFakeGitHub } from '../../server/test/fakes/github.ts';
import {
  accessTokenFor,
  buildTestApp,
  createTestStore,
  signUp,
  type TestStore,
  type TestUser,
} from '../../server/test/harness.ts';

const BIN = path.resolve(import.meta.dirname, '../bin/tessera.mjs');

/** A real server on a loopback port, on its own in-memory store. */
export interface RunningServer {
  app: App;
  store: TestStore;
  url: string;
  close(): Promise<void>;
}

export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const store = await createTestStore();
  const app = await buildTestApp(store, { env });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    store,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await store.destroy();
    },
  };
}

export interface CliTestServer {
  /** The file's server (started in `beforeAll`). */
  readonly server: RunningServer;
  /** The fake GitHub the server talks to, with `{ github: true }`. */
  readonly github: FakeGitHub;
  /**
   * A config folder of the test's own (the tests of a file run concurrently). Removed after the
   * file, not with `onTestFinished`: Vitest cannot tell concurrent tests apart there, so it would
   * remove a folder when another test finished, while its own test still ran.
   */
  newHome(): Promise<CliHome>;
}

/**
 * The usual set-up of a CLI test file: a real server on a loopback port (and, with
 * `{ github: true }`, a fake GitHub it talks to) started in `beforeAll`; the server, the fake and
 * every home from `newHome()` closed or removed in `afterAll`.
 */
export function useCliServer(options: { github?: boolean } = {}): CliTestServer {
  let server: RunningServer | undefined;
  let github: FakeGitHub | undefined;
  const homes: CliHome[] = [];
  beforeAll(async () => {
    // GitHub is the one outside service here: a local fake that answers as its REST API documents.
    if (options.github) github = await startFakeGitHub();
    server = await startServer(github ? { GITHUB_API_URL: github.url, PROVIDER_TIMEOUT_MS: '3000' } : {});
  });
  afterAll(async () => {
    await server?.close();
    await github?.close();
    await Promise.all(homes.map((home) => home.cleanup()));
  });
  const started = {
    get server() {
      if (!server) throw new Error('useCliServer: the server exists once beforeAll has run');
      return server;
    },
    get github() {
      if (!github) throw new Error('useCliServer: no fake GitHub (pass { github: true })');
      return github;
    },
    async newHome() {
      const home = await createCliHome(started.server.url);
      homes.push(home);
      return home;
    },
  };
  return started;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A home of its own for one test: config folder, no keyring, no browser, the server's URL. */
export interface CliHome {
  dir: string;
  configDir: string;
  credentialsFile: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function createCliHome(serverUrl: string): Promise<CliHome> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tessera-cli-'));
  const configDir = path.join(dir, 'config');
  return {
    dir,
    configDir,
    credentialsFile: path.join(configDir, 'tessera', 'credentials.json'),
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      XDG_CONFIG_HOME: configDir,
      TESSERA_NO_KEYRING: '1',
      TESSERA_URL: serverUrl,
      BROWSER: 'none',
      NO_COLOR: '1',
      // tsx keeps its compile cache here; sharing it keeps each CLI start near half a second.
      TMPDIR: tmpdir(),
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  result: Promise<CliResult>;
  /** Resolves with the first match of `pattern` in stderr, as it is written. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/** Starts the real `tessera` binary, as a user's shell would. */
export function startCli(
  args: string[],
  options: { env: Record<string, string>; input?: string },
): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const waiter of [...waiters]) {
      const match = stderr.match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  });
  if (options.input !== undefined) child.stdin!.end(options.input);
  else child.stdin!.end();
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return {
    child,
    result,
    waitForStderr(pattern, timeoutMs = 20_000) {
      const existing = stderr.match(pattern);
      if (existing) return Promise.resolve(existing);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`stderr never matched ${pattern}; it was:\n${stderr}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (match) => {
            clearTimeout(timer);
            resolve(match);
          },
        });
      });
    },
  };
}

export function runCli(args: string[], options: { env: Record<string, string>; input?: string }) {
  return startCli(args, options).result;
}

/** Runs a command with --json and parses what it printed; fails loudly when it did not succeed. */
export async function runJson<T = Record<string, unknown>>(
  args: string[],
  options: { env: Record<string, string>; input?: string },
): Promise<T> {
  const result = await runCli([...args, '--json'], options);
  if (result.code !== 0) {
    throw new Error(`tessera ${args.join(' ')} exited ${result.code}\n${result.stderr}`);
  }
  return JSON.parse(result.stdout) as T;
}

/** A personal access token created the way a user would in the web UI (with their session). */
export async function createPat(app: App, user: TestUser, scopes: string[], name = `pat-${Date.now()}`) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/account/tokens',
    headers: { cookie: user.cookie },
    payload: { name, scopes },
  });
  if (response.statusCode !== 201)
    throw new Error(`PAT creation failed: ${response.statusCode} ${response.body}`);
  return response.json() as { token: { id: string }; secret: string };
}

/**
 * Stores an interactive login for the CLI as `tessera login` would (password grant → access and
 * refresh token), by writing the documented credentials file.
 */
export async function storeOAuthLogin(
  home: CliHome,
  server: RunningServer,
  user: TestUser,
  options: { expiresAt?: Date } = {},
) {
  const tokens = await accessTokenFor(server.app, user);
  const credential = {
    kind: 'oauth',
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    expires_at: (options.expiresAt ?? new Date(Date.now() + tokens.expires_in * 1000)).toISOString(),
    client_id: 'tessera-cli',
    user: { id: user.id, email: user.email },
  };
  await mkdir(path.dirname(home.credentialsFile), { recursive: true, mode: 0o700 });
  await writeFile(
    home.credentialsFile,
    JSON.stringify({
      version: 1,
      default_server: server.url,
      servers: { [server.url]: { store: 'file', credential } },
    }),
    { mode: 0o600 },
  );
  return tokens;
}

export async function readCredentialsFile(home: CliHome) {
  return JSON.parse(await readFile(home.credentialsFile, 'utf8')) as {
    default_server?: string;
    servers: Record<string, { store: string; credential?: Record<string, string> }>;
  };
}

export { signUp };
