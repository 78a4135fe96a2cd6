import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { bearerChallenge } from '../credentials/bearer-challenge.ts';
import type { SessionIdentity } from '../credentials/identity.ts';

/**
 * The consent and device pages are answered by a person in the browser, so their endpoints take
 * the web session only. An access token is interactive too, but it belongs to a program: were it
 * accepted here, a native client could approve further clients without the user (OAUTH-6).
 * Routes declare `auth: 'interactive'` and call this first.
 */
export function requireWebSession(request: FastifyRequest): SessionIdentity {
  const identity = request.identity;
  if (!identity || identity.kind !== 'session') {
    const description = 'Sign in to the web UI to answer this request';
    throw new AppError('interactive_credential_required', `${description}.`, {
      headers: {
        'www-authenticate': bearerChallenge('invalid_token', { description }),
      },
    });
  }
  return identity;
}
