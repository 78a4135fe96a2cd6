import { Command } from 'commander';
import { run } from '../../lib/command.ts';

export function logoutCommand(): Command {
  return new Command('logout')
    .description('Forget the stored login for the server (and revoke it, if it came from `tessera login`)')
    .action(
      run(async (cli) => {
        const stored = await cli.store.get(cli.server);
        let revoked = false;
        if (stored?.kind === 'oauth') {
          // Revoking the refresh token ends the whole login (RFC 7009 §2.1); a failure here must not
          // keep the user logged in locally, so it is only reported.
          const { response } = await cli
            .anonymous()
            .POST('/api/oauth/revoke', {
              body: {
                token: stored.refresh_token,
                token_type_hint: 'refresh_token',
                client_id: stored.client_id,
              },
            })
            .catch(() => ({ response: undefined }));
          revoked = response?.ok ?? false;
          if (!revoked) cli.out.warn('Could not reach the server to revoke the login; it expires by itself.');
        }
        const forgotten = await cli.store.delete(cli.server);
        cli.out.result({ server: cli.server, logged_out: forgotten, revoked }, () => {
          if (forgotten) cli.out.success(`Logged out of ${cli.server}.`);
          else cli.out.info(`You were not logged in to ${cli.server}.`);
          if (stored?.kind === 'token') {
            cli.out.info(
              'The personal access token itself still works: revoke it with `tessera tokens revoke`.',
            );
          }
        });
        if (cli.env.TESSERA_TOKEN) cli.out.warn('TESSERA_TOKEN is still set in your environment.');
      }),
    );
}
