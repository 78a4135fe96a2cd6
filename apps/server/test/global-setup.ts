import type { TestProject } from 'vitest/node';
import { pgliteTemplate, postgresTemplate } from './store-template.ts';

/**
 * Vitest global set-up (ADR 0038): migrates the template the project's test stores are copied
 * from, once per run, before any test file starts (so files never race to build it).
 */
export async function setup(project: TestProject) {
  if (project.config.env.TESSERA_TEST_STORE === 'postgres') {
    const baseUrl = process.env.TEST_DATABASE_URL;
    if (!baseUrl) throw new Error('TESSERA_TEST_STORE=postgres needs TEST_DATABASE_URL');
    await postgresTemplate(baseUrl);
  } else {
    await pgliteTemplate();
  }
}
