import { defineConfig } from 'vitest/config';

// Browser journeys: the built UI (apps/web/dist) served by the real server on the embedded store,
// driven through Debian's Chromium. Run with `npm run test:e2e` (which builds the UI first).
export default defineConfig({
  test: {
    root: import.meta.dirname,
    name: 'web:e2e',
    include: ['e2e/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // One server and one browser serve the journeys of a file, in order.
    sequence: { concurrent: false },
  },
});
