import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** One key of the ring: an id stored beside every ciphertext, and 32 bytes of AES-256 key. */
export interface CipherKey {
  id: string;
  key: Buffer;
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Thrown for every reason a ciphertext cannot be opened: a wrong key, a tampered part, another
 * row's associated data. The message is deliberately the same for all of them and never
 * carries key material, ciphertext or partial plaintext.
 */
export class DecryptionError extends Error {
  constructor() {
    super('the ciphertext could not be decrypted');
    this.name = 'DecryptionError';
  }
}

export class UnknownKeyError extends Error {
  constructor(readonly keyId: string) {
    super(`no encryption key with id "${keyId}" is configured`);
    this.name = 'UnknownKeyError';
  }
}

/** Strict base64: Node's decoder silently skips junk, so a changed character could go unnoticed. */
function decodeBase64(part: string): Buffer {
  const bytes = Buffer.from(part, 'base64');
  if (bytes.toString('base64') !== part) throw new DecryptionError();
  return bytes;
}

export interface Envelope {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/** Splits `v1|keyId|iv|ct|tag`; throws DecryptionError unless every part is well formed. */
export function parseEnvelope(stored: string): Envelope {
  const parts = stored.split('|');
  if (parts.length !== 5 || parts[0] !== VERSION) throw new DecryptionError();
  const [, keyId, iv, ciphertext, tag] = parts as [string, string, string, string, string];
  if (!KEY_ID.test(keyId)) throw new DecryptionError();
  const envelope = {
    keyId,
    iv: decodeBase64(iv),
    ciphertext: decodeBase64(ciphertext),
    tag: decodeBase64(tag),
  };
  if (envelope.iv.length !== IV_BYTES || envelope.tag.length !== TAG_BYTES) throw new DecryptionError();
  return envelope;
}

/** The key id a stored value was encrypted with, or null when it is not an envelope at all. */
export function keyIdOf(stored: string): string | null {
  try {
    return parseEnvelope(stored).keyId;
  } catch {
    return null;
  }
}

/**
 * AES-256-GCM with a keyring: the first key encrypts, every key decrypts. Each encryption
 * draws a fresh 96-bit nonce from the CSPRNG, and the caller's associated data (AAD) binds the
 * ciphertext to where it is stored, so a value copied elsewhere fails to open.
 */
export function createSecretCipher(keys: readonly CipherKey[]) {
  const first = keys[0];
  if (!first) throw new Error('the encryption keyring is empty');
  const byId = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    if (!KEY_ID.test(id)) throw new Error(`encryption key id "${id}" must be 1-32 of [A-Za-z0-9_-]`);
    if (key.length !== 32) throw new Error(`encryption key "${id}" must be 32 bytes`);
    if (byId.has(id)) throw new Error(`encryption key id "${id}" appears twice`);
    byId.set(id, key);
  }

  return {
    currentKeyId: first.id,

    hasKey(id: string): boolean {
      return byId.has(id);
    },

    encrypt(plaintext: string, aad: string): string {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', first.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        VERSION,
        first.id,
        iv.toString('base64'),
        ciphertext.toString('base64'),
        tag.toString('base64'),
      ].join('|');
    },

    decrypt(stored: string, aad: string): string {
      const envelope = parseEnvelope(stored);
      const key = byId.get(envelope.keyId);
      if (!key) throw new UnknownKeyError(envelope.keyId);
      try {
        // authTagLength pins the tag to 16 bytes: Node 20 would otherwise accept a truncated tag.
        const decipher = createDecipheriv('aes-256-gcm', key, envelope.iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(envelope.tag);
        return Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new DecryptionError();
      }
    },

    /** Whether a stored value should be re-encrypted under the current key. */
    isStale(stored: string): boolean {
      return keyIdOf(stored) !== first.id;
    },
  };
}

export type SecretCipher = ReturnType<typeof createSecretCipher>;
