/**
 * A raw HTTP/1.1 connection for the shutdown scenario: the test decides when each byte is sent, so
 * a request can be caught half-sent (in progress, or still arriving) at the moment of SIGTERM.
 */
import { createConnection, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RawConnection {
  socket: Socket;
  write(text: string): void;
  /** The next complete response on this connection. */
  response(): Promise<RawResponse>;
  /** Resolves when the server (or anyone) closes the connection; with the time it happened. */
  closed: Promise<number>;
}

export function connectRaw(port: number): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let buffer = Buffer.alloc(0);
    let waiting: (() => void) | undefined;
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      waiting?.();
    });
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now())));
    socket.on('close', () => waiting?.());
    socket.on('error', () => {});
    socket.once('connect', () =>
      resolve({
        socket,
        closed,
        write: (text) => socket.write(text),
        response: () =>
          new Promise<RawResponse>((done, fail) => {
            const attempt = () => {
              const parsed = takeResponse();
              if (parsed) {
                waiting = undefined;
                done(parsed);
              } else if (socket.destroyed) {
                waiting = undefined;
                fail(
                  new Error(
                    `connection closed before a whole response (had: ${JSON.stringify(buffer.toString())})`,
                  ),
                );
              }
            };
            waiting = attempt;
            attempt();
          }),
      }),
    );
    socket.once('error', reject);

    function takeResponse(): RawResponse | undefined {
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const [statusLine, ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (buffer.length < end + 4 + length) return undefined;
      const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
      buffer = buffer.subarray(end + 4 + length);
      return { status: Number(statusLine!.split(' ')[1]), headers, body };
    }
  });
}

/** Whether a new TCP connection to the port is accepted. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
