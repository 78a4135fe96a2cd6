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

/**
 * A log destination that replaces every match of the given secret patterns in each written line
 * with the match's first group followed by `[redacted]`. It is the last line of defence: a token
 * that reached a message (a URL path, an error text) by any route is still not written.
 */
export function scrubbingDestination(destination: LogDestination, secretPatterns: RegExp[]): LogDestination {
  const patterns = secretPatterns.map(
    (pattern) =>
      new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`),
  );
  return {
    write(line: string) {
      let scrubbed = line;
      for (const pattern of patterns)
        scrubbed = scrubbed.replace(pattern, (_match, kept = '') => `${kept}[redacted]`);
      return destination.write(scrubbed);
    },
  };
}

export interface LoggerSettings {
  /** Where lines go; standard output by default. */
  destination?: LogDestination;
  /** Secrets recognisable by their shape; the first capturing group (if any) is kept. */
  secretPatterns?: RegExp[];
}

/** Pino options for Fastify's logger: secrets are redacted wherever they may appear. */
export function loggerOptions(level: string, settings: LoggerSettings = {}) {
  return {
    level,
    stream: scrubbingDestination(settings.destination ?? process.stdout, settings.secretPatterns ?? []),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        'headers.authorization',
        'headers.cookie',
        '*.password',
        '*.token',
        '*.secret',
        '*.refresh_token',
        '*.access_token',
        '*.code_verifier',
        '*.device_code',
        'password',
        'token',
        'secret',
        'refresh_token',
        'access_token',
      ],
      censor: '[redacted]',
    },
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
