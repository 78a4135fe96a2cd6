import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError } from './errors.ts';

const page = (title: string, text: string) =>
  `<!doctype html><html lang="en"><meta charset="utf-8"><title>${title}</title>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto">` +
  `<h1>${title}</h1><p>${text}</p></body></html>`;

export interface LoopbackReceiver {
  /** `http://127.0.0.1:<port>/callback`, the redirect URI to send to /api/oauth/authorize. */
  redirectUri: string;
  /** Resolves once the browser comes back with the right state: the code, and the issuer if sent (RFC 9207). */
  result: Promise<{ code: string; issuer: string | null }>;
  close(): void;
}

/**
 * A one-shot HTTP listener on the loopback interface for the authorization response
 * (RFC 8252 §7.3). Only `GET /callback` with the expected `state` counts: anything else that
 * reaches the port (another local program guessing) is answered 400 and ignored.
 */
export async function receiveAuthorizationCode(options: {
  state: string;
  timeoutMs: number;
}): Promise<LoopbackReceiver> {
  let settle!: {
    resolve: (value: { code: string; issuer: string | null }) => void;
    reject: (error: Error) => void;
  };
  const result = new Promise<{ code: string; issuer: string | null }>((resolve, reject) => {
    settle = { resolve, reject };
  });

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, title: string, text: string) => {
      response.writeHead(status, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      });
      response.end(page(title, text));
    };
    if (request.method !== 'GET' || url.pathname !== '/callback') return send(404, 'Not found', '');
    if (url.searchParams.get('state') !== options.state) {
      return send(400, 'Unexpected request', 'This does not answer the login that is waiting.');
    }
    const error = url.searchParams.get('error');
    if (error) {
      send(200, 'Login failed', 'You can close this window and return to the terminal.');
      const description = url.searchParams.get('error_description');
      settle.reject(
        new AuthError(
          error === 'access_denied'
            ? 'The request was denied in the browser.'
            : `Login failed: ${description ?? error}.`,
          'Run `tessera login --web` again to retry.',
        ),
      );
      return;
    }
    const received = url.searchParams.get('code');
    if (!received) return send(400, 'Unexpected request', 'The authorization code is missing.');
    send(200, 'Logged in to Tessera', 'You can close this window and return to the terminal.');
    settle.resolve({ code: received, issuer: url.searchParams.get('iss') });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const timer = setTimeout(
    () =>
      settle.reject(new AuthError('No answer from the browser in time.', 'Run `tessera login --web` again.')),
    options.timeoutMs,
  );
  timer.unref();
  const close = () => {
    clearTimeout(timer);
    server.closeAllConnections();
    server.close();
  };
  result.then(close, close);
  return { redirectUri: `http://127.0.0.1:${port}/callback`, result, close };
}
