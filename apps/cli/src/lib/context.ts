import type { TesseraClient } from '@tessera/client';
import type { Command } from 'commander';
import { type CredentialStore, createCredentialStore } from './credential-store.ts';
import { UsageError } from './errors.ts';
import { createOutput, type Output } from './output.ts';
import { anonymousClient, openSession, type Session } from './session.ts';

export const DEFAULT_SERVER = 'http://localhost:3000';

/** What every command gets: the server, the output, the credential store and a way to a client. */
export interface Cli {
  server: string;
  env: NodeJS.ProcessEnv;
  out: Output;
  store: CredentialStore;
  anonymous(): TesseraClient;
  /** The signed-in client; throws (exit 4) when there is no credential. */
  session(): Promise<Session>;
}

/** Normalises a server URL: http(s) only, no trailing slash, no query. */
export function normaliseServer(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      `"${raw}" is not a URL.`,
      'Give the server as e.g. --server https://tessera.example.com',
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`"${raw}" is not an http(s) URL.`);
  }
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/** --server, else TESSERA_URL, else the server of the last login, else http://localhost:3000. */
export async function resolveServer(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  store: CredentialStore,
) {
  const chosen = flag ?? (env.TESSERA_URL || undefined) ?? (await store.defaultServer()) ?? DEFAULT_SERVER;
  return normaliseServer(chosen);
}

export async function createCli(command: Command, env: NodeJS.ProcessEnv = process.env): Promise<Cli> {
  const options = command.optsWithGlobals() as { server?: string; json?: boolean };
  const store = createCredentialStore(env);
  const server = await resolveServer(options.server, env, store);
  const out = createOutput({ json: Boolean(options.json), env });
  return {
    server,
    env,
    out,
    store,
    anonymous: () => anonymousClient(server),
    session: () => openSession({ server, store, env }),
  };
}
