import type { TesseraClient } from '@tessera/client';
import type { Command } from 'commander';
import { type CredentialStore, createCredentialStore } from './credential-store.ts';
import { type HintContext, UsageError } from './errors.ts';
import { createOutput, type Output } from './output.ts';
import { anonymousClient, openSession, type Session } from './session.ts';

export const DEFAULT_SERVER = 'http://localhost:3000';

/** What every command gets: the server, the output, the credential store and a way to a client. */
export interface Cli {
  server: string;
  /** The server came from --server (so that a printed follow-up command repeats it). */
  serverGiven: boolean;
  env: NodeJS.ProcessEnv;
  out: Output;
  store: CredentialStore;
  anonymous(): TesseraClient;
  /** The signed-in client; throws (exit 4) when there is no credential. */
  session(): Promise<Session>;
  /** What hints may say about this command: its server, whether it needs a login, its credential. */
  hintContext(): HintContext;
}

/** A server URL as given, normalised; `droppedApi` when a trailing `/api` was taken off. */
export interface NormalizedServer {
  server: string;
  droppedApi: boolean;
}

/**
 * Normalises a server URL: http(s) only, no trailing slash, no query. The server is the site's
 * root: the registry's clients take `https://HOST/api` as their base URL, so a URL ending in
 * `/api` (or `/api/`) is corrected rather than sent to `/api/api/…`.
 */
export function normalizeServer(raw: string): NormalizedServer {
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
  const given = url.toString().replace(/\/+$/, '');
  const server = given.replace(/\/api$/i, '');
  return { server, droppedApi: server !== given };
}

/** --server, else TESSERA_URL, else the server of the last login, else http://localhost:3000. */
export async function resolveServer(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  store: CredentialStore,
): Promise<
  NormalizedServer & { given: string; from: '--server' | 'TESSERA_URL' | 'last login' | 'default' }
> {
  const fromEnv = env.TESSERA_URL || undefined;
  const stored = flag === undefined && fromEnv === undefined ? await store.defaultServer() : undefined;
  const [given, from] =
    flag !== undefined
      ? [flag, '--server' as const]
      : fromEnv !== undefined
        ? [fromEnv, 'TESSERA_URL' as const]
        : stored !== undefined
          ? [stored, 'last login' as const]
          : [DEFAULT_SERVER, 'default' as const];
  return { ...normalizeServer(given), given, from };
}

/** The command, or one of its parents, needs an interactive login (see `requireInteractiveLogin`). */
const interactiveOnlyCommands = new WeakSet<Command>();

/**
 * Marks a command (and so every subcommand) as needing an interactive login: the server refuses
 * PATs and automation tokens on its routes, so its hints never suggest TESSERA_TOKEN.
 */
export function requireInteractiveLogin(command: Command): Command {
  interactiveOnlyCommands.add(command);
  return command;
}

/** Commands under an interactive-only group that a token may run (`tessera tokens self-rotate`). */
const anyCredentialCommands = new WeakSet<Command>();

/** Exempts a command from its group's `requireInteractiveLogin`: a PAT may run it. */
export function allowAnyCredential(command: Command): Command {
  anyCredentialCommands.add(command);
  return command;
}

export function needsInteractiveLogin(command: Command): boolean {
  for (let current: Command | null = command; current; current = current.parent) {
    if (anyCredentialCommands.has(current)) return false;
    if (interactiveOnlyCommands.has(current)) return true;
  }
  return false;
}

export async function createCli(command: Command, env: NodeJS.ProcessEnv = process.env): Promise<Cli> {
  const options = command.optsWithGlobals() as { server?: string; json?: boolean };
  const store = createCredentialStore(env);
  const resolved = await resolveServer(options.server, env, store);
  const { server } = resolved;
  const out = createOutput({ json: Boolean(options.json), env });
  if (resolved.droppedApi) {
    out.warn(
      `Using ${server}: the server address is the site itself, without /api (given via ${resolved.from}: ${resolved.given}).`,
    );
  }
  const interactiveOnly = needsInteractiveLogin(command);
  let credential: HintContext['credential'];
  return {
    server,
    serverGiven: resolved.from === '--server',
    env,
    out,
    store,
    anonymous: () => anonymousClient(server),
    async session() {
      const session = await openSession({ server, store, env, interactiveOnly });
      credential =
        session.source === 'env'
          ? 'env'
          : session.credential.kind === 'token'
            ? 'stored-token'
            : 'stored-login';
      return session;
    },
    hintContext: () => ({ server, interactiveOnly, credential }),
  };
}
