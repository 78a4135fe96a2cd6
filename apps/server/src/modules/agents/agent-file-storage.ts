import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../platform/errors.ts';

/** A file streamed to a temporary name, not yet part of any agent. */
export interface ReceivedFile {
  agentId: string;
  tempPath: string;
  size: number;
  sha256: string;
}

const SAFE_SEGMENT = /^[A-Za-z0-9_-]{1,100}$/;

/** Ids become path segments; a generated id always passes, anything else is refused before it nears the disk. */
function segment(id: string): string {
  if (!SAFE_SEGMENT.test(id)) throw new Error(`unsafe storage name: ${JSON.stringify(id.slice(0, 120))}`);
  return id;
}

/** A smaller limit for one upload, with the error to answer when the content goes over it. */
export interface ReceiveLimit {
  bytes: number;
  error: () => AppError;
}

/**
 * A disk that cannot take the file is our fault, but not a bug: full (ENOSPC, EDQUOT) → 507
 * `insufficient_storage`; read-only or not writable (EROFS, EACCES, EPERM) → 503 with Retry-After,
 * since an operator has to act. The fs error stays as the cause for the log. Anything else is left
 * as it is (a 500). ADR 0026.
 */
export function uploadDiskError(error: unknown): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AppError('insufficient_storage', 'The server has no room for this file; nothing was kept.', {
      cause: error,
    });
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new AppError(
      'service_unavailable',
      'Uploads are unavailable: the server cannot write its upload folder; nothing was kept.',
      { headers: { 'retry-after': '60' }, cause: error },
    );
  }
  return error;
}

/** Where uploads stream in; never an agent id (ids never start with a dot). */
const INCOMING_DIR = '.incoming';

/**
 * Agent files on disk: `<root>/<agent id>/<file id>`. The uploaded name never reaches the file
 * system. Content streams into `<root>/.incoming/` and is renamed into its agent's folder only
 * by `keep`, which the service calls while it holds the agent's row lock. So nothing an upload
 * does touches an agent's folder before the agent is known to exist, and deleting the agent
 * (whose folder removal runs after its COMMIT) can never pull a folder from under an upload.
 */
export function createAgentFileStorage(options: { root: string; maxBytes: number }) {
  const { root, maxBytes } = options;
  const incomingDir = path.join(root, INCOMING_DIR);
  const agentDir = (agentId: string) => path.join(root, segment(agentId));
  const pathOf = (agentId: string, fileId: string) => path.join(agentDir(agentId), segment(fileId));

  return {
    pathOf,

    /**
     * Streams `content` to a temporary file while hashing it; over `maxBytes` → 413
     * `payload_too_large` (over `limit.bytes` → `limit.error()`) and no file.
     */
    async receive(agentId: string, content: Readable, limit?: ReceiveLimit): Promise<ReceivedFile> {
      segment(agentId);
      await mkdir(incomingDir, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
        throw uploadDiskError(error);
      });
      const tempPath = path.join(incomingDir, `${randomUUID()}.part`);
      const hash = createHash('sha256');
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          if (size > maxBytes) {
            callback(new AppError('payload_too_large', `The file is larger than ${maxBytes} bytes.`));
            return;
          }
          if (limit && size > limit.bytes) {
            callback(limit.error());
            return;
          }
          hash.update(chunk);
          callback(null, chunk);
        },
      });
      const sink = createWriteStream(tempPath, { flags: 'wx', mode: 0o600 });
      // Whoever fails first is to blame: the source (a body that broke off: the client's fault,
      // 400) or the disk (ours, 500). The source may have failed before it reached us.
      const failure: { first?: 'source' | 'sink' } = content.errored ? { first: 'source' } : {};
      content.once('error', () => {
        failure.first ??= 'source';
      });
      sink.once('error', () => {
        failure.first ??= 'sink';
      });
      try {
        await pipeline(content, meter, sink);
      } catch (error) {
        // The pipeline can fail on its first chunk while the sink is still opening its file; remove
        // the file only once the sink is closed, or it is created after the removal and stays.
        if (!sink.closed) await new Promise<void>((resolve) => sink.once('close', () => resolve()));
        // Removing works on a full disk; on a read-only one the file could not have been made.
        await rm(tempPath, { force: true });
        if (error instanceof AppError) throw error;
        if (failure.first === 'sink') throw uploadDiskError(error);
        throw new AppError('invalid_request', 'The upload ended before the file was complete.');
      }
      return { agentId, tempPath, size, sha256: hash.digest('hex') };
    },

    /** Moves a received file to its final name, making its agent's folder if need be. */
    async keep(file: ReceivedFile, fileId: string): Promise<void> {
      const target = pathOf(file.agentId, fileId);
      try {
        await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
        await rename(file.tempPath, target);
      } catch (error) {
        throw uploadDiskError(error);
      }
    },

    /** Removes a received file, whether or not it was already moved to `fileId`. */
    async discard(file: ReceivedFile, fileId: string): Promise<void> {
      await rm(file.tempPath, { force: true });
      await rm(pathOf(file.agentId, fileId), { force: true });
    },

    async removeAgentFiles(agentId: string): Promise<void> {
      await rm(agentDir(agentId), { recursive: true, force: true });
    },
  };
}

export type AgentFileStorage = ReturnType<typeof createAgentFileStorage>;

// Control characters (\p{Cc}) and the bidirectional marks and overrides.
const UNSAFE_CHARACTERS = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const FILE_NAME_MAX_LENGTH = 255;

/**
 * The name to show for an uploaded file: its last path segment, without control or
 * bidirectional-override characters (which can disguise `exe.txt` as `txt.exe`), at most 255
 * characters. It is shown, never used as a path.
 */
export function displayFileName(raw: string | undefined): string {
  const lastSegment = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = lastSegment.normalize('NFC').replace(UNSAFE_CHARACTERS, '').trim();
  const clipped = Array.from(cleaned).slice(0, FILE_NAME_MAX_LENGTH).join('').trim();
  return clipped === '' || clipped === '.' || clipped === '..' ? 'file' : clipped;
}
