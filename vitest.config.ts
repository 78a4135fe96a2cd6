import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Migrates, once per run, the template every test store is copied from (ADR 0038).
const globalSetup = [path.resolve(import.meta.dirname, 'apps/server/test/global-setup.ts')];

// Integration tests (`*.int.test.ts`) run once per store: always on embedded PGlite, and
// again on PostgreSQL when TEST_DATABASE_URL is set. Unit tests run once.
const serverBase = {
  root: 'apps/server',
  testTimeout: 30_000,
  hookTimeout: 60_000,
  globalSetup,
};

const projects: unknown[] = [
  {
    test: {
      ...serverBase,
      name: 'server',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      env: { TESSERA_TEST_STORE: 'pglite' },
    },
  },
  {
    // The CLI runs as a real process against a real server (PGlite): slower than a route test.
    test: {
      root: 'apps/cli',
      name: 'cli',
      include: ['test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 60_000,
      globalSetup,
      env: { TESSERA_TEST_STORE: 'pglite' },
    },
  },
  { test: { root: 'packages/client', name: 'client', include: ['test/**/*.test.ts'] } },
  // Web UI unit tests: pure logic (catalogues, dates, paths), no DOM needed. Browser journeys
  // run separately with `npm run test:e2e` (apps/web/vitest.e2e.config.ts).
  { test: { root: 'apps/web', name: 'web', include: ['src/**/*.test.ts'], environment: 'node' } },
];

if (process.env.TEST_DATABASE_URL) {
  projects.push({
    test: {
      ...serverBase,
      name: 'server:postgres',
      include: ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'],
      env: { TESSERA_TEST_STORE: 'postgres' },
    },
  });
}

export default defineConfig({
  test: {
    // Vitest's default is one worker less than the cores: a single worker on CI's 2 cores. Test
    // files spend much of their time waiting on PostgreSQL and child processes, so two overlap well.
    maxWorkers: 2,
    // biome-ignore lint/suspicious/noExplicitAny: vitest's project type is a wide union
    projects: projects as any,
  },
});
