import { buildApp } from './app.ts';
import { ConfigError, ensureEmbeddedEncryptionKey, loadConfig } from './config.ts';
import { openDatabase } from './platform/database/database.ts';
import { stopOnSignals } from './platform/http/graceful-shutdown.ts';
import { applyV8Settings } from './platform/v8-settings.ts';

async function main() {
  applyV8Settings();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
    if (!config.databaseUrl) config = ensureEmbeddedEncryptionKey(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }

  const database = await openDatabase(config);
  const app = await buildApp({ config, database, ownsDatabase: true });

  stopOnSignals(app, { graceMs: config.shutdownGraceMs });

  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    `Tessera is serving ${config.publicUrl.origin} (${database.kind === 'pglite' ? `embedded store in ${config.dataDir}` : 'PostgreSQL'})`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
