/**
 * Real processes for the fault scenarios: Tessera servers (spawned as `npm start` would run the
 * sources), a private PostgreSQL cluster and a private Redis on free ports. The machine's shared
 * PostgreSQL (5432) and Redis (6379) are never touched: these scenarios stop and kill things.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_ENCRYPTION_KEY, TEST_PASSWORD } from '../harness.ts';

const SERVER_ENTRY = path.resolve(import.meta.dirname, '../../src/server.ts');
const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');
export const PG_BIN = process.env.TESSERA_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));

export const postgresBinariesPresent = existsSync(path.join(PG_BIN, 'initdb'));
export const redisBinaryPresent = REDIS_SERVER !== undefined;
if (!postgresBinariesPresent)
  console.warn(`fault tests: PostgreSQL binaries not found in ${PG_BIN}; PostgreSQL scenarios skipped`);
if (!redisBinaryPresent) console.warn('fault tests: redis-server not found; Redis scenario skipped');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it holds, at most `timeoutMs`; the message says what never happened. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(
    `${what}: not within ${timeoutMs} ms${lastError ? ` (last error: ${String(lastError)})` : ''}`,
  );
}

/**
 * Whether the server listening on `port` has read everything the `clients` sent it: each client
 * socket has handed its bytes to the kernel and had them acknowledged (Send-Q 0), so they reached
 * the server's end, and that end was accepted and drained (Recv-Q 0). Node parses what it reads in
 * the same tick, so a request whose headers were sent is then known to the server. Linux (`ss`).
 */
export function serverHasRead(port: number, clients: Socket[]): boolean {
  if (clients.some((client) => client.writableLength > 0)) return false;
  const rows = execFileSync('ss', [
    '-tnH',
    'state',
    'established',
    `( sport = :${port} or dport = :${port} )`,
  ])
    .toString()
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/));
  // Columns: Recv-Q, Send-Q, local address, peer address.
  return clients.every((client) => {
    const clientEnd = `127.0.0.1:${client.localPort}`;
    const serverSide = rows.find((row) => row[3] === clientEnd);
    const clientSide = rows.find((row) => row[2] === clientEnd);
    return serverSide?.[0] === '0' && clientSide?.[1] === '0';
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

// --- a small disk of its own -------------------------------------------------------------

export interface TmpfsFolder {
  /** The folder the tmpfs is mounted on. */
  dir: string;
  /** The temporary folder holding `dir`; other folders of the scenario may go beside it. */
  root: string;
  mounted: boolean;
  /** Unmounts the tmpfs and removes the root. */
  remove(): void;
}

/**
 * A folder `name` under a new temporary root with a private tmpfs of `size` mounted on it (root
 * with CAP_SYS_ADMIN, as in CI), so "full" is a real ENOSPC and "read-only" a real EROFS, which
 * chmod cannot give a root process. Where mounting is not allowed, `mounted` is false and a
 * warning says that `scenario` is skipped.
 */
export function mountTmpfsFolder(label: string, name: string, size: string, scenario: string): TmpfsFolder {
  const root = mkdtempSync(path.join(tmpdir(), `${label}-`));
  const dir = path.join(root, name);
  mkdirSync(dir);
  let mounted = false;
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, label, dir], { stdio: 'ignore' });
    mounted = true;
  } catch {
    console.warn(`fault tests: cannot mount a tmpfs here (needs root); ${scenario} is skipped`);
  }
  return {
    dir,
    root,
    mounted,
    remove() {
      if (mounted) execFileSync('umount', [dir]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

// --- Tessera -----------------------------------------------------------------------------

export interface TesseraProcess {
  base: string;
  port: number;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  /** Sends a signal; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startTessera(env: Record<string, string>, port?: number): Promise<TesseraProcess> {
  const listenPort = port ?? (await freePort());
  let output = '';
  // `node --import tsx`, not the `tsx` wrapper: signals reach the server itself, as with `npm start`
  // (the wrapper SIGKILLs a child that does not acknowledge a relayed signal within 30 ms).
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_ENTRY], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(listenPort),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://127.0.0.1:${listenPort}`,
      TESSERA_WEB_DIST: '/nonexistent',
      DATABASE_URL: '',
      REDIS_URL: '',
      TESSERA_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      TESSERA_ENCRYPTION_KEYS: '',
      LOG_LEVEL: 'info',
      RATE_LIMIT_SIGN_IN_PER_MINUTE: '100000',
      RATE_LIMIT_TOKEN_ENDPOINT_PER_MINUTE: '100000',
      RATE_LIMIT_FAILURES_PER_ACCOUNT: '1000',
      TOKEN_LAST_USED_FLUSH_MS: '1000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${listenPort}`;
  try {
    await until(
      'Tessera answers /api/health/live',
      async () => {
        if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${output}`);
        return (await fetch(`${base}/api/health/live`)).ok;
      },
      90_000,
      100,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${String(error)}\n${output.slice(-3000)}`);
  }
  return {
    base,
    port: listenPort,
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

// --- a private PostgreSQL cluster ----------------------------------------------------------

export interface PrivatePostgres {
  url: string;
  port: number;
  start(): Promise<void>;
  /** A fast shutdown: connections are terminated, as when an operator stops the server. */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
}

function runAsPostgres(command: string, args: string[]): Promise<string> {
  // PostgreSQL refuses to run as root: drop to the postgres user when we are root (as in CI).
  const [file, argv] =
    process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (c) => {
      out += c;
    });
    child.stderr!.on('data', (c) => {
      out += c;
    });
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} failed (${code}): ${out}`)),
    );
  });
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-faults-pg-'));
  const owner = postgresUser();
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = path.join(dir, 'data');
  const port = await freePort();
  await runAsPostgres(path.join(PG_BIN, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const pgCtl = (...args: string[]) => runAsPostgres(path.join(PG_BIN, 'pg_ctl'), ['-D', data, ...args]);
  const start = async () => {
    await pgCtl('-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start');
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop: async () => {
      await pgCtl('-m', 'fast', '-w', '-t', '60', 'stop');
    },
    async destroy() {
      await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// --- a private Redis -----------------------------------------------------------------------

export interface PrivateRedis {
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      REDIS_SERVER!,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    await until('private Redis accepts connections', () => portAnswers(port), 15_000);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
  };
}

// --- users and a bounded write+read load --------------------------------------------------

export async function signUpOver(base: string, label: string): Promise<{ email: string; cookie: string }> {
  const email = `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.test`;
  const response = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: TEST_PASSWORD }),
  });
  if (response.status !== 201)
    throw new Error(`sign-up answered ${response.status}: ${await response.text()}`);
  return { email, cookie: response.headers.get('set-cookie')!.split(';')[0]! };
}

export { TEST_PASSWORD };
