import type { FastifyRequest } from 'fastify';

const SENSITIVE_QUERY =
  /^(access_token|refresh_token|token|code|code_verifier|device_code|password|secret|client_secret|state)$/i;

/** `%5F` → `_` and the like: percent-encoded unreserved characters mean the same (RFC 3986 §6.2.2.2). */
function withUnreservedDecoded(path: string): string {
  return path.replace(/%(2[DdEe]|3[0-9]|[46][1-9A-Fa-f]|[57][0-9Aa]|5[Ff]|7[Ee])/g, (_match, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/**
 * Logs the path and only the names of query parameters: a query value may hold a token or code.
 * The path is normalised so that the secret patterns of the log stream (`loggerOptions`) also
 * recognise a token whose characters were percent-encoded.
 */
export function redactedUrl(url: string): string {
  // The common case (no query, nothing percent-encoded) is the URL itself: no split, no regex.
  if (!url.includes('?') && !url.includes('%')) return url;
  const [rawPath, query] = url.split('?', 2);
  const path = withUnreservedDecoded(rawPath ?? '');
  if (!query) return path;
  const params = new URLSearchParams(query);
  const parts: string[] = [];
  for (const [name] of params) parts.push(`${name}=${SENSITIVE_QUERY.test(name) ? '[redacted]' : '…'}`);
  return `${path}?${parts.join('&')}`;
}

export interface LogDestination {
  write(line: string): unknown;
}

/** A secret recognisable by its shape. */
export interface SecretPattern {
  /** The secret; its first capturing group (if any) is kept. */
  pattern: RegExp;
  /** Text every match contains: a line without it is written as it is, unsearched. */
  marker: string;
}

/**
 * A log destination that replaces every match of the given secret patterns in each written line
 * with the match's first group followed by `[redacted]`. It is the last line of defence: a token
 * that reached a message (a URL path, an error text) by any route is still not written.
 */
export function scrubbingDestination(
  destination: LogDestination,
  secretPatterns: SecretPattern[],
): LogDestination {
  const patterns = secretPatterns.map(({ pattern, marker }) => ({
    marker,
    pattern: new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`),
  }));
  return {
    write(line: string) {
      let scrubbed = line;
      for (const { pattern, marker } of patterns) {
        // Nearly every line holds no secret: a substring search says so faster than the pattern.
        if (scrubbed.includes(marker))
          scrubbed = scrubbed.replace(pattern, (_match, kept = '') => `${kept}[redacted]`);
      }
      return destination.write(scrubbed);
    },
  };
}

export interface LoggerSettings {
  /** Where lines go; standard output by default. */
  destination?: LogDestination;
  /** Secrets recognisable by their shape. */
  secretPatterns?: SecretPattern[];
}

/** Member names whose value is never logged, at the top level or one level down (`*.password`). */
const SECRET_MEMBERS = [
  'password',
  'token',
  'secret',
  'refresh_token',
  'access_token',
  'code_verifier',
  'device_code',
] as const;
const CENSOR = '[redacted]';

/** A copy of `value` (an Error stays an Error) with the secret members censored, or `value` itself when it has none. */
function withoutSecretMembers(value: object): object {
  let copy: Record<string, unknown> | undefined;
  for (const name of SECRET_MEMBERS) {
    if (!Object.hasOwn(value, name)) continue;
    copy ??= Object.create(Object.getPrototypeOf(value), Object.getOwnPropertyDescriptors(value)) as Record<
      string,
      unknown
    >;
    Object.defineProperty(copy, name, {
      value: CENSOR,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy ?? value;
}

/**
 * Redacts `*.password`, `*.token`, … (any member one level below the logged object). Pino's own
 * wildcard redaction runs a path-parsing redactor over *every* member of every line, strings and
 * numbers included (≈ 40 µs a line here, more than the rest of a rejected request: issue #13);
 * this looks only at members that are objects. Fixed paths (headers, top-level names) stay
 * with pino, which applies them only to the members they name.
 */
export function redactSecretMembers(line: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in line) {
    const value = line[key];
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    const clean = withoutSecretMembers(value);
    if (clean === value) continue;
    out ??= { ...line };
    out[key] = clean;
  }
  return out ?? line;
}

/** Pino options for Fastify's logger: secrets are redacted wherever they may appear. */
export function loggerOptions(level: string, settings: LoggerSettings = {}) {
  return {
    level,
    stream: scrubbingDestination(settings.destination ?? sharedStdout(), settings.secretPatterns ?? []),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        'headers.authorization',
        'headers.cookie',
        ...SECRET_MEMBERS,
      ],
      censor: CENSOR,
    },
    formatters: { log: redactSecretMembers },
    serializers: {
      req(request: FastifyRequest) {
        return {
          method: request.method,
          url: redactedUrl(request.url),
          remoteAddress: request.ip,
        };
      },
    },
  };
}

/**
 * Standard output, written in batches: a write system call costs more than a log line, and once
 * per event-loop turn is once per one to three requests under load (on the 401 path, batching
 * saved 1–3 µs of the access log's 10–14: issue #13). Lines wait until `FLUSH_BYTES` of them are
 * pending or `FLUSH_DELAY_MS` after the first, as pino's own buffered destination does; they stay
 * in order, and whatever is pending is written synchronously when the process exits.
 */
export const FLUSH_BYTES = 16 * 1024;
export const FLUSH_DELAY_MS = 50;

export function stdoutDestination(out: { write(text: string): unknown } = process.stdout): LogDestination {
  let pending: string[] = [];
  let pendingBytes = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const text = pending.length === 1 ? pending[0]! : pending.join('');
    pending = [];
    pendingBytes = 0;
    out.write(text);
  };
  process.on('exit', flush);
  return {
    write(line: string) {
      pending.push(line);
      pendingBytes += line.length;
      if (pendingBytes >= FLUSH_BYTES) {
        flush();
        return true;
      }
      if (!timer) {
        timer = setTimeout(flush, FLUSH_DELAY_MS);
        timer.unref();
      }
      return true;
    },
  };
}

let stdout: LogDestination | undefined;
/** One batched standard output per process, however many apps (and loggers) it builds. */
function sharedStdout(): LogDestination {
  stdout ??= stdoutDestination();
  return stdout;
}
