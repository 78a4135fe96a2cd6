import { unwrap } from '@tessera/client';
import { Command } from 'commander';
import { confirmOrRequireYes, run } from '../../lib/command.ts';

export function revokeTokenCommand(): Command {
  return new Command('revoke')
    .description('Revoke a token; it stops working at once')
    .argument('<id>', 'the token id (see `tessera tokens list`)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      run(async (cli, id: string, options: { yes?: boolean }) => {
        const { client } = await cli.session();
        await confirmOrRequireYes(cli, options.yes, `Revoke token ${id}?`);
        await unwrap(client.DELETE('/api/account/tokens/{id}', { params: { path: { id } } }));
        cli.out.result({ id, revoked: true }, () => cli.out.success(`Revoked token ${id}.`));
      }),
    );
}
