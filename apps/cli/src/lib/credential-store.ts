import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/** What `tessera login` keeps for one server. */
export type StoredCredential =
  | {
      /** An OAuth access token with its refresh token (device flow or --web). */
      kind: 'oauth';
      access_token: string;
      refresh_token: string;
      /** RFC 3339; the access token is refreshed shortly before. */
      expires_at: string;
      client_id: string;
      user?: { id: string; email: string } | undefined;
      /** The scopes the server granted (its `scope` answer); older logins lack it. */
      scopes?: string[] | undefined;
    }
  | {
      /** A token given with --with-token (a PAT, usually); used as is, never refreshed. */
      kind: 'token';
      token: string;
      user?: { id: string; email: string } | undefined;
    };

/** Where the secret lives: the OS keyring when it works, else the 0600 file. */
export type StoreLocation = 'keyring' | 'file';

interface CredentialsFile {
  version: 1;
  /** The server of the last login: the default when neither --server nor TESSERA_URL is given. */
  default_server?: string | undefined;
  servers: Record<string, { store: 'keyring' } | { store: 'file'; credential: StoredCredential }>;
}

const KEYRING_SERVICE = 'tessera-cli';

export function configDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, 'tessera');
  if (process.platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'tessera');
  return path.join(homedir(), '.config', 'tessera');
}

export function credentialsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDirectory(env), 'credentials.json');
}

interface Keyring {
  get(account: string): string | null;
  set(account: string, secret: string): void;
  delete(account: string): void;
}

/**
 * The OS keyring (Keychain, Credential Manager, Secret Service), or undefined when it cannot be
 * loaded. Machines without a Secret Service load it but fail on use; callers fall back to the file.
 */
async function loadKeyring(env: NodeJS.ProcessEnv): Promise<Keyring | undefined> {
  if (env.TESSERA_NO_KEYRING === '1' || env.TESSERA_NO_KEYRING === 'true') return undefined;
  try {
    const { Entry } = await import('@napi-rs/keyring');
    return {
      get: (account) => new Entry(KEYRING_SERVICE, account).getPassword() ?? null,
      set: (account, secret) => new Entry(KEYRING_SERVICE, account).setPassword(secret),
      delete: (account) => {
        new Entry(KEYRING_SERVICE, account).deletePassword();
      },
    };
  } catch {
    return undefined;
  }
}

export function createCredentialStore(env: NodeJS.ProcessEnv = process.env) {
  const file = credentialsFilePath(env);

  async function readCredentialsFile(): Promise<CredentialsFile> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, servers: {} };
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as CredentialsFile;
      return { version: 1, default_server: parsed.default_server, servers: parsed.servers ?? {} };
    } catch {
      throw new Error(`${file} is not valid JSON; delete it and log in again.`);
    }
  }

  /** Writes through a temporary file, so that a crash never leaves half a file; mode 0600 from the start. */
  async function writeCredentialsFile(content: CredentialsFile): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, file);
  }

  return {
    file,

    async defaultServer(): Promise<string | undefined> {
      return (await readCredentialsFile()).default_server;
    },

    async get(server: string): Promise<StoredCredential | null> {
      const entry = (await readCredentialsFile()).servers[server];
      if (!entry) return null;
      if (entry.store === 'file') return entry.credential;
      const keyring = await loadKeyring(env);
      try {
        const secret = keyring?.get(server);
        return secret ? (JSON.parse(secret) as StoredCredential) : null;
      } catch {
        return null;
      }
    },

    /** Saves the credential (keyring first, else the file) and makes `server` the default. */
    async set(server: string, credential: StoredCredential): Promise<StoreLocation> {
      const content = await readCredentialsFile();
      const keyring = await loadKeyring(env);
      let location: StoreLocation = 'file';
      if (keyring) {
        try {
          keyring.set(server, JSON.stringify(credential));
          location = 'keyring';
        } catch {
          // No usable keyring (e.g. no Secret Service on a server): the 0600 file it is.
        }
      }
      content.servers[server] = location === 'keyring' ? { store: 'keyring' } : { store: 'file', credential };
      content.default_server = server;
      await writeCredentialsFile(content);
      return location;
    },

    /** Forgets the credential of `server`; false when there was none. */
    async delete(server: string): Promise<boolean> {
      const content = await readCredentialsFile();
      const entry = content.servers[server];
      if (!entry) return false;
      if (entry.store === 'keyring') {
        try {
          (await loadKeyring(env))?.delete(server);
        } catch {
          // Already gone from the keyring.
        }
      }
      delete content.servers[server];
      if (content.default_server === server) content.default_server = undefined;
      if (Object.keys(content.servers).length === 0 && !content.default_server) {
        await rm(file, { force: true });
      } else {
        await writeCredentialsFile(content);
      }
      return true;
    },
  };
}

export type CredentialStore = ReturnType<typeof createCredentialStore>;
