/**
 * Registers a resource server for token introspection (ADR 0032): prints a new client secret
 * (shown once) and the INTROSPECTION_CLIENTS entry to add, which holds only its SHA-256.
 *
 *   npm run introspection:client --workspace @tessera/server -- <client_id>
 */
import { hash, randomBytes } from 'node:crypto';

const clientId = process.argv[2];
if (!clientId || !/^[A-Za-z0-9._-]{1,64}$/.test(clientId)) {
  process.stderr.write('usage: introspection-client <client_id>   (1-64 of A-Z a-z 0-9 . _ -)\n');
  process.exit(2);
}
const secret = randomBytes(32).toString('base64url');
process.stdout.write(
  [
    `client_id:     ${clientId}`,
    `client_secret: ${secret}   (give this to the resource server; it is not stored anywhere)`,
    '',
    'Add to INTROSPECTION_CLIENTS (comma-separated with any others) and restart:',
    `${clientId}:${hash('sha256', secret)}`,
    '',
  ].join('\n'),
);
