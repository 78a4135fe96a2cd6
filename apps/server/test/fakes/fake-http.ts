import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signal } from '../signal.ts';

/** A request a fake saw: enough for a test to assert what Tessera sent (never logged anywhere). */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

export interface FakeHttpServer {
  url: string;
  requests: SeenRequest[];
  /** While true, requests are accepted and never answered (to exercise timeouts). */
  hang: boolean;
  /**
   * Holds the next request until the test releases it, so that a test can act while Tessera is
   * waiting for the provider (to drive an interleaving explicitly). `reached` resolves when the
   * request has arrived.
   */
  holdNext(): { reached: Promise<void>; release(): void };
  close(): Promise<void>;
}

export type FakeHandler = (request: IncomingMessage, url: URL, response: ServerResponse) => void;

/** A node:http server on 127.0.0.1 and a free port, answering through `handle`. */
export async function startFakeHttpServer(handle: FakeHandler): Promise<FakeHttpServer> {
  const state = { hang: false };
  const requests: SeenRequest[] = [];
  const holds: Array<{ arrive(): void; released: Promise<void> }> = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake.invalid');
    requests.push({
      method: request.method ?? 'GET',
      path: url.pathname + url.search,
      headers: request.headers,
    });
    if (state.hang) return;
    const hold = holds.shift();
    if (hold) {
      hold.arrive();
      await hold.released;
    }
    try {
      handle(request, url, response);
    } catch (error) {
      sendJson(response, 500, { message: `fake failed: ${(error as Error).message}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeHttpServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    get hang() {
      return state.hang;
    },
    set hang(value: boolean) {
      state.hang = value;
    },
    holdNext() {
      const arrived = signal();
      const released = signal();
      holds.push({ arrive: arrived.fire, released: released.fired });
      return { reached: arrived.fired, release: released.fire };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

/** A Link header (RFC 8288) as GitHub and GitLab send it. */
export function linkHeader(links: Record<string, string>): string {
  return Object.entries(links)
    .map(([rel, href]) => `<${href}>; rel="${rel}"`)
    .join(', ');
}

/** A port that nothing listens on: connections to it are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random characters for made-up provider tokens (never real ones). */
export function randomAlphanumeric(length: number): string {
  let out = '';
  for (const byte of randomBytes(length)) out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return out;
}
