import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { appLoggerOptions, buildApp } from '../src/app.ts';
import { type Config, loadConfig } from '../src/config.ts';
import type { Clock } from '../src/platform/clock.ts';
import { type Database, openPostgres } from '../src/platform/database/database.ts';
import type { App } from '../src/platform/http/schemas.ts';
import { createPostgresFromTemplate, openPGliteFromTemplate } from './store-template.ts';

/**
 * The store a test file runs against: embedded PGlite (in memory) by default, or a fresh
 * PostgreSQL database of its own when the suite runs with TESSERA_TEST_STORE=postgres.
 */
export const storeKind = process.env.TESSERA_TEST_STORE === 'postgres' ? 'postgres' : 'pglite';

export interface TestStore extends Database {
  /** For PostgreSQL stores: the connection string of this file's own database. */
  url?: string;
  /** Drops the store (and, on PostgreSQL, its database). */
  destroy(): Promise<void>;
}

/**
 * A store of this file's own, already migrated: a copy of a template migrated once per migration
 * set (test/store-template.ts, ADR 0038), so a file does not pay for initdb and every migration.
 */
export async function createTestStore(): Promise<TestStore> {
  if (storeKind === 'pglite') {
    const database = await openPGliteFromTemplate();
    return { ...database, destroy: () => database.close() };
  }
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (!baseUrl) throw new Error('TESSERA_TEST_STORE=postgres needs TEST_DATABASE_URL');
  const name = `tessera_t_${randomBytes(6).toString('hex')}`;
  const url = await createPostgresFromTemplate(baseUrl, name);
  const database = await openPostgres(url, { poolSize: 5 });
  return {
    ...database,
    url,
    async destroy() {
      await database.close();
      const dropper = new pg.Client({ connectionString: baseUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    PUBLIC_URL: 'http://localhost:3000',
    TESSERA_DATA_DIR: `/tmp/tessera-test-${process.pid}`,
    TESSERA_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    RATE_LIMIT_SIGN_IN_PER_MINUTE: '100000',
    RATE_LIMIT_TOKEN_ENDPOINT_PER_MINUTE: '100000',
    RATE_LIMIT_FAILURES_PER_ACCOUNT: '1000',
    LOG_LEVEL: 'silent',
    TESSERA_WEB_DIST: '/nonexistent',
    // Tests drive the notices worker themselves (app.noticeWorker.runOnce()), so that no
    // background polling runs into statement counts or timing of unrelated tests.
    NOTIFY_WORKER: 'false',
    ...env,
  });
}

/** A clock a test can move. */
export function testClock(start = new Date()): Clock & { advance(ms: number): void; set(date: Date): void } {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
    set(date: Date) {
      now = date.getTime();
    },
  };
}

/** Collects every log line the app writes, to check that no secret reaches the logs. */
export function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { lines, stream, text: () => lines.join('') };
}

export async function buildTestApp(store: Database, options: TestAppOptions = {}): Promise<App> {
  const config = options.config ?? testConfig(options.env);
  const app = await buildApp({
    config,
    database: store,
    clock: options.clock,
    logger: options.logStream ? appLoggerOptions('trace', options.logStream) : false,
    ownsDatabase: false,
  });
  await app.ready();
  return app;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  clock?: Clock;
  /** Log lines are written here (see `captureLogs`); without it the app logs nothing. */
  logStream?: Writable;
  config?: Config;
}

export interface TestApp {
  /** This file's app (built in `beforeAll`). */
  readonly app: App;
  /** This file's own migrated store (created in `beforeAll`). */
  readonly store: TestStore;
}

type Options<T> = T | (() => T | Promise<T>);

// A function is called in beforeAll: options may name what an earlier hook started (a fake provider's URL).
const resolve = async <T>(options: Options<T>): Promise<T> =>
  typeof options === 'function' ? await (options as () => T | Promise<T>)() : options;

function ready<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} exists once beforeAll has run`);
  return value;
}

/**
 * The usual set-up of an integration test file: registers a `beforeAll` that creates the file's
 * own store and builds an app on it, and an `afterAll` that closes both (ADR 0038). Read `app`
 * and `store` inside tests and hooks, not at module level (they exist once `beforeAll` ran).
 * Hooks registered before the call run before the app is built and (Vitest runs `afterAll` hooks
 * in reverse) after it is closed; hooks registered after it see the app and run before its teardown.
 */
export function useTestApp(options: Options<TestAppOptions> = {}): TestApp {
  const file = useTestStore();
  let app: App | undefined;
  beforeAll(async () => {
    app = await buildTestApp(file.store, await resolve(options));
  });
  afterAll(async () => {
    await app?.close();
  });
  return {
    get app() {
      return ready(app, 'useTestApp: the app');
    },
    get store() {
      return file.store;
    },
  };
}

/**
 * A store of this file's own, for files whose apps are built test by test (`buildAppForTest`):
 * created in `beforeAll`, destroyed in `afterAll`.
 */
export function useTestStore(): { readonly store: TestStore } {
  let store: TestStore | undefined;
  beforeAll(async () => {
    store = await createTestStore();
  });
  afterAll(async () => {
    await store?.destroy();
  });
  return {
    get store() {
      return ready(store, 'useTestStore: the store');
    },
  };
}

/**
 * One more app on the store of `on` (another configuration of the same deployment: a stricter
 * policy, a trusted proxy), built after it in `beforeAll` and closed before it in `afterAll`.
 */
export function useSecondApp(
  on: Pick<TestApp, 'store'>,
  options: Options<TestAppOptions> = {},
): { readonly app: App } {
  let app: App | undefined;
  beforeAll(async () => {
    app = await buildTestApp(on.store, await resolve(options));
  });
  afterAll(async () => {
    await app?.close();
  });
  return {
    get app() {
      return ready(app, 'useSecondApp: the app');
    },
  };
}

/** An app for the current test only, on `store`; closed when the test ends, passed or failed. */
export async function buildAppForTest(store: Database, options: TestAppOptions = {}): Promise<App> {
  const app = await buildTestApp(store, options);
  onTestFinished(() => app.close());
  return app;
}

export interface TwoInstancesOptions extends TestAppOptions {
  /** Pool size of B's own connection to a PostgreSQL store. */
  poolSize?: number;
  /** Wrap the database each instance is given (to count its statements, hold its notifications). */
  wrapA?: (database: Database) => Database;
  wrapB?: (database: Database) => Database;
}

const same = (database: Database) => database;

export interface TwoInstances {
  /** The instance on the file's store. */
  readonly a: App;
  /** The other instance: on PostgreSQL with its own pool and LISTEN connection, as a separate process would have; on PGlite on the same embedded database. */
  readonly b: App;
  readonly store: TestStore;
}

/**
 * Two server instances on one store of this file's own, built in `beforeAll` and closed (with
 * B's connection and the store) in `afterAll`, for what has to hold across instances.
 */
export function useTwoInstances(options: Options<TwoInstancesOptions> = {}): TwoInstances {
  const file = useTestStore();
  let second: Database | undefined;
  let a: App | undefined;
  let b: App | undefined;
  beforeAll(async () => {
    const { poolSize, wrapA = same, wrapB = same, ...appOptions } = await resolve(options);
    const store = file.store;
    a = await buildTestApp(wrapA(store), appOptions);
    second = storeKind === 'postgres' ? await openPostgres(store.url!, { poolSize }) : undefined;
    b = await buildTestApp(wrapB(second ?? store), appOptions);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await second?.close();
  });
  return {
    get a() {
      return ready(a, 'useTwoInstances: A');
    },
    get b() {
      return ready(b, 'useTwoInstances: B');
    },
    get store() {
      return file.store;
    },
  };
}

let counter = 0;
export function uniqueEmail(label = 'user'): string {
  counter += 1;
  return `${label}-${counter}-${randomBytes(4).toString('hex')}@example.test`;
}

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  /** `tessera_session=…`, ready for a Cookie header. */
  cookie: string;
  sessionToken: string;
}

export async function signUp(app: App, email = uniqueEmail(), password = TEST_PASSWORD): Promise<TestUser> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email, password },
  });
  if (response.statusCode !== 201) throw new Error(`sign-up failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'tessera_session');
  if (!cookie) throw new Error('sign-up set no session cookie');
  return {
    id: response.json().user.id,
    email,
    password,
    cookie: `tessera_session=${cookie.value}`,
    sessionToken: cookie.value,
  };
}

/** An OAuth access token (interactive credential) for a user, through the password grant. */
export async function accessTokenFor(app: App, user: Pick<TestUser, 'email' | 'password'>) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/token',
    payload: { grant_type: 'password', username: user.email, password: user.password },
  });
  if (response.statusCode !== 200) throw new Error(`token failed: ${response.statusCode} ${response.body}`);
  return response.json() as { access_token: string; refresh_token: string; expires_in: number };
}

export function bearer(token: string) {
  return { authorization: `Bearer ${token}` };
}

/** The headers of a request from the user's browser: their session cookie. */
export function sessionOf(user: Pick<TestUser, 'cookie'>) {
  return { cookie: user.cookie };
}
