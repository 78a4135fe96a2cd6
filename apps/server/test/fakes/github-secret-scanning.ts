import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/**
 * GitHub's secret-scanning key endpoint (`GET /meta/public_keys/secret_scanning`), and the
 * signing side of an alert: ECDSA P-256 with SHA-256 over the raw body, base64 DER signature.
 */
export async function startFakeSecretScanningKeys() {
  const keys: Array<{ id: string; privateKey: KeyObject; publicPem: string }> = [];
  let requests = 0;
  /** The Authorization header of each key fetch (undefined when none was sent). */
  const authorizations: Array<string | undefined> = [];
  let down = false;
  const addKey = (id: string) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    keys.push({ id, privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }) as string });
  };
  addKey('key-1');

  const server: Server = createServer((request, response) => {
    requests += 1;
    authorizations.push(request.headers.authorization);
    if (down) {
      response.writeHead(503).end();
      return;
    }
    if (request.url !== '/meta/public_keys/secret_scanning') {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Not Found"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        public_keys: keys.map((k, i) => ({
          key_identifier: k.id,
          key: k.publicPem,
          is_current: i === keys.length - 1,
        })),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${port}/meta/public_keys/secret_scanning`,
    get requests() {
      return requests;
    },
    authorizations,
    setDown(value: boolean) {
      down = value;
    },
    addKey,
    /** The headers GitHub would send with this exact body. */
    sign(rawBody: string, keyId = 'key-1') {
      const key = keys.find((k) => k.id === keyId);
      if (!key) throw new Error(`no key ${keyId}`);
      return {
        'github-public-key-identifier': keyId,
        'github-public-key-signature': sign('sha256', Buffer.from(rawBody), key.privateKey).toString(
          'base64',
        ),
        'content-type': 'application/json',
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
