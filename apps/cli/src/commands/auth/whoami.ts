import { isTesseraApiError, unwrap } from '@tessera/client';
import { Command } from 'commander';
import { run } from '../../lib/command.ts';
import { list, shortTime } from '../../lib/output.ts';

const KIND_NAMES = {
  session: 'web session',
  access: 'access token (interactive login)',
  personal: 'personal access token',
  automation: 'automation token',
} as const;

export function whoamiCommand(): Command {
  return new Command('whoami').description('Show the signed-in user and the credential in use').action(
    run(async (cli) => {
      const session = await cli.session();
      try {
        const me = await unwrap(session.client.GET('/api/me'));
        // --json prints the API's body unchanged (README, "Output and exit codes").
        cli.out.result(me, () => {
          cli.out.fields([
            ['Server', cli.server],
            ['User', `${me.user.email}${me.user.name ? ` (${me.user.name})` : ''}`],
            ['User id', me.user.id],
            [
              'Credential',
              `${KIND_NAMES[me.credential.kind]}${session.source === 'env' ? ' from TESSERA_TOKEN' : ''}`,
            ],
            ['Scopes', list(me.credential.scopes)],
            ['Expires', shortTime(me.credential.expires_at)],
          ]);
        });
      } catch (error) {
        if (!isTesseraApiError(error) || error.code !== 'insufficient_scope') throw error;
        // An OAuth login granted without profile:read: what the login itself remembers (in
        // /api/me's shape for --json, `user: null`: the server did not vouch for it).
        const stored = session.credential;
        if (stored.kind === 'oauth') {
          const scopes = stored.scopes ?? [];
          cli.out.result(
            { user: null, credential: { kind: 'access', scopes, expires_at: stored.expires_at } },
            () => {
              cli.out.fields([
                ['Server', cli.server],
                ['User', stored.user?.email ?? '(hidden: the login lacks profile:read)'],
                ['Credential', KIND_NAMES.access],
                ['Scopes', list(scopes)],
              ]);
            },
          );
          return;
        }
        // A PAT without profile:read cannot read the profile, but can always describe itself.
        // --json keeps /api/me's shape, with `user: null`, so that a script reads one shape.
        const token = await unwrap(session.client.GET('/api/tokens/self'));
        cli.out.result(
          {
            user: null,
            credential: {
              kind: token.kind,
              scopes: token.scopes,
              token_id: token.id,
              expires_at: token.expires_at,
            },
          },
          () => {
            cli.out.fields([
              ['Server', cli.server],
              ['User', '(hidden: the token lacks profile:read)'],
              [
                'Credential',
                `${token.kind === 'personal' ? 'personal access token' : 'automation token'} "${token.name}"`,
              ],
              ['Scopes', list(token.scopes)],
              ['Expires', shortTime(token.expires_at)],
            ]);
          },
        );
      }
    }),
  );
}
