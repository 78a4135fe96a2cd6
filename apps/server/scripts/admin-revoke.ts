/**
 * Revokes a user's personal access token as the operator (ADR 0036):
 *
 *   npm run admin:revoke --workspace @tessera/server -- tok_… [--reason "found in a support ticket"]
 *
 * Every running instance drops the token at once (the revocation feed), the owner's security log
 * records `token.revoked_by_operator` with actor kind `operator`, and the owner gets the
 * `token.revoked` notice (`by: admin`) in every channel. With the embedded store, stop the server
 * first: the data folder can be open in one process only. Exit 0: revoked; 1: no such PAT or
 * already revoked; 2: bad arguments or configuration.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { revokeTokenAsOperator } from '../src/modules/tokens/operator-revoke.ts';
import { systemClock } from '../src/platform/clock.ts';
import { openDatabase } from '../src/platform/database/database.ts';
import { loadScriptConfig, runScript } from './operator-script.ts';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { reason: { type: 'string' } },
  });
  const [tokenId, ...extra] = positionals;
  const reason = values.reason?.trim() || null;
  if (!tokenId || extra.length > 0 || !/^tok_[A-Za-z0-9_-]{1,60}$/.test(tokenId)) {
    console.error('usage: admin:revoke <token id (tok_…)> [--reason "why"]');
    return 2;
  }
  if (reason && reason.length > 500) {
    console.error('--reason must be at most 500 characters');
    return 2;
  }
  const config = loadScriptConfig();
  if (!config) return 2;

  const database = await openDatabase(config);
  try {
    const result = await revokeTokenAsOperator(
      { database, config, clock: systemClock },
      { tokenId, operator: userInfo().username, reason },
    );
    if (!result) {
      console.error(`no personal access token has the id ${tokenId}`);
      return 1;
    }
    console.log(
      JSON.stringify({
        id: result.token.id,
        user_id: result.token.user_id,
        name: result.token.name,
        revoked: result.revoked,
        ...(result.revoked ? {} : { note: 'already revoked; nothing changed' }),
      }),
    );
    return result.revoked ? 0 : 1;
  } finally {
    await database.close();
  }
}

runScript(main);
