/**
 * Writes the OpenAPI document of the current code to `openapi.json` at the repository root, or,
 * with `--check`, fails when the checked-in file differs from it (CI runs the check, so the
 * document, the generated client types and the code cannot drift apart).
 *
 *   npx tsx apps/server/scripts/openapi.ts [--check] [--out <file>]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildTestApp, createTestStore } from '../test/harness.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** The document as it is checked in: pretty-printed, with a final newline. */
async function renderOpenApiDocument(): Promise<string> {
  // An in-memory store: the document depends on the routes only, never on data.
  const store = await createTestStore();
  const app = await buildTestApp(store);
  try {
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
    await store.destroy();
  }
}

async function main(argv: string[]) {
  const check = argv.includes('--check');
  const outIndex = argv.indexOf('--out');
  const file =
    outIndex >= 0 && argv[outIndex + 1] ? path.resolve(argv[outIndex + 1]!) : path.join(ROOT, 'openapi.json');
  const rendered = await renderOpenApiDocument();
  const relative = path.relative(process.cwd(), file) || file;

  if (!check) {
    writeFileSync(file, rendered);
    console.log(`wrote ${relative}`);
    return 0;
  }
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // A missing file is simply out of date.
  }
  if (current === rendered) {
    console.log(`${relative} is up to date`);
    return 0;
  }
  console.error(
    `${relative} does not match the routes in the code. Run \`npm run openapi\` and commit the result.`,
  );
  return 1;
}

process.exitCode = await main(process.argv.slice(2));
