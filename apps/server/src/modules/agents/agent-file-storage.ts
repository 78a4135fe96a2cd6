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

/**
 * Agent files on disk: `<root>/<agent id>/<file id>`. The uploaded name never reaches the file
 * system. A file is written under a temporary name and renamed into place only when its
 * database row commits, so a rejected or failed upload leaves nothing behind.
 */
export function createAgentFileStorage(options: { root: string; maxBytes: number }) {
  const { root, maxBytes } = options;
  const agentDir = (agentId: string) => path.join(root, segment(agentId));
  const pathOf = (agentId: string, fileId: string) => path.join(agentDir(agentId), segment(fileId));

  return {
    pathOf,

    /** Streams `content` to a temporary file while hashing it; over `maxBytes` → 413 and no file. */
    async receive(agentId: string, content: Readable): Promise<ReceivedFile> {
      const dir = agentDir(agentId);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const tempPath = path.join(dir, `.upload-${randomUUID()}`);
      const hash = createHash('sha256');
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          if (size > maxBytes) {
            callback(new AppError('payload_too_large', `The file is larger than ${maxBytes} bytes.`));
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
        await rm(tempPath, { force: true });
        if (error instanceof AppError || failure.first === 'sink') throw error;
        throw new AppError('invalid_request', 'The upload ended before the file was complete.');
      }
      return { agentId, tempPath, size, sha256: hash.digest('hex') };
    },

    /** Moves a received file to its final name. */
    async keep(file: ReceivedFile, fileId: string): Promise<void> {
      await rename(file.tempPath, pathOf(file.agentId, fileId));
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
