import type { Config } from '../../config.ts';
import { perMinute } from '../../platform/http/route-declaration.ts';

/**
 * What a route that verifies the user's password adds to its declaration: an argon2
 * verification costs, so it is limited per client like sign-in, and shed with 503 when the
 * hashing queue is full (on top of the per-account budget, password.ts).
 */
export function passwordCheckRoute(rateLimits: Pick<Config['rateLimits'], 'signInPerMinute'>) {
  return { config: { rateLimit: perMinute(rateLimits.signInPerMinute) }, errors: [503] };
}
