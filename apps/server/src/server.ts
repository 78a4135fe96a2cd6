import { buildApp } from './app.ts';
import { ConfigError, ensureEmbeddedEncryptionKey, loadConfig } from './config.ts';
import { openDatabase } from './platform/database/database.ts';

async function main() {
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

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 15_000);
    force.unref();
    try {
      // Stops accepting, waits for in-flight requests, then runs onClose hooks (flush, store).
      await app.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    `Tessera is serving ${config.publicUrl.origin} (${database.kind === 'pglite' ? `embedded store in ${config.dataDir}` : 'PostgreSQL'})`,
  );
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
