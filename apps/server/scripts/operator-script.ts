import { type Config, ConfigError, ensureEmbeddedEncryptionKey, loadConfig } from '../src/config.ts';

/**
 * The server's configuration, read as the server reads it (the embedded store brings its own
 * encryption key), for an operator script. A configuration problem is printed and answers null:
 * the script exits 2, as for bad arguments.
 */
export function loadScriptConfig(): Config | null {
  try {
    const config = loadConfig();
    return config.databaseUrl ? config : ensureEmbeddedEncryptionKey(config);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return null;
    }
    throw error;
  }
}

/** Runs a script's main and exits with its code; an unexpected error prints its message and exits 1. */
export function runScript(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
