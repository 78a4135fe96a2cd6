import type { FastifyRequest } from 'fastify';

const SENSITIVE_QUERY =
  /^(access_token|refresh_token|token|code|code_verifier|device_code|password|secret|client_secret|state)$/i;

/** Logs only the path and query names: a query value may hold a token or code. */
export function redactedUrl(url: string): string {
  const [path, query] = url.split('?', 2);
  if (!query) return path ?? '';
  const params = new URLSearchParams(query);
  const parts: string[] = [];
  for (const [name] of params) parts.push(`${name}=${SENSITIVE_QUERY.test(name) ? '[redacted]' : '…'}`);
  return `${path}?${parts.join('&')}`;
}

/** Pino options for Fastify's logger: secrets are redacted wherever they may appear. */
export function loggerOptions(level: string) {
  return {
    level,
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
