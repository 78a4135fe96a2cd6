import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
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

/**
 * The usual set-up of an integration test file: registers a `beforeAll` that creates the file's
 * own store and builds an app on it, and an `afterAll` that closes both (ADR 0038). Read `app`
 * and `store` inside tests and hooks, not at module level (they exist once `beforeAll` ran).
 * Hooks registered before the call run before the app is built and (Vitest runs `afterAll` hooks
 * in reverse) after it is closed; hooks registered after it see the app and run before its teardown.
 */
export function useTestApp(
  options: TestAppOptions | (() => TestAppOptions | Promise<TestAppOptions>) = {},
): TestApp {
  let store: TestStore | undefined;
  let app: App | undefined;
  beforeAll(async () => {
    store = await createTestStore();
    // A function is called in beforeAll: options may name what an earlier hook started (a fake provider's URL).
    app = await buildTestApp(store, typeof options === 'function' ? await options() : options);
  });
  afterAll(async () => {
    await app?.close();
    await store?.destroy();
  });
  return {
    get app() {
      if (!app) throw new Error('useTestApp: the app exists once beforeAll has run');
      return app;
    },
    get store() {
      if (!store) throw new Error('useTestApp: the store exists once beforeAll has run');
      return store;
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
