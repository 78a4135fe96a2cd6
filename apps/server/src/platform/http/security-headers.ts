import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { isApiPath } from './error-handler.ts';

export interface SecurityHeaderOptions {
  /** The public origin is https: browsers are told to upgrade sub-resource requests. */
  https: boolean;
}

/**
 * The security headers of documents (the web UI, its files, the API reference page): the set
 * helmet's defaults produce, with the web UI's Content-Security-Policy. They depend only on the
 * configuration, so they are built once at start instead of per request.
 */
export function buildSecurityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "base-uri 'self'",
    "font-src 'self' https: data:",
    // The OAuth consent form posts back to a native client's loopback redirect (RFC 8252).
    "form-action 'self' http://127.0.0.1:* http://localhost:*",
    "frame-ancestors 'none'",
    "img-src 'self' data:",
    "object-src 'none'",
    "script-src 'self'",
    "script-src-attr 'none'",
    "style-src 'self' 'unsafe-inline'",
    ...(options.https ? ['upgrade-insecure-requests'] : []),
    "connect-src 'self'",
  ].join(';');
  return {
    'content-security-policy': csp,
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'SAMEORIGIN',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  };
}

/**
 * The security headers of API answers (JSON, problem+json, redirects under `/api`), as the OWASP
 * REST Security Cheat Sheet and GitHub's API send them: nothing in a JSON answer may load,
 * run or be framed, and the browser must not sniff it. The document-only headers (opener and
 * agent-cluster isolation, DNS prefetch, the legacy IE, Flash and XSS-filter switches) say
 * nothing to a JSON answer, and with them a 401 was 1.2 KB on the wire, eight times a bare
 * answer (issue #13, ADR 0042).
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/**
 * Sets the precomputed security headers on every response, before any route or error handler
 * runs: the API's under `/api`, the documents' everywhere else.
 */
export const securityHeaders = fp(
  async (app: FastifyInstance, options: SecurityHeaderOptions) => {
    const documentHeaders = buildSecurityHeaders(options);
    app.addHook('onRequest', (request, reply, done) => {
      reply.headers(isApiPath(request.url) ? API_SECURITY_HEADERS : documentHeaders);
      done();
    });
  },
  { name: 'security-headers' },
);
