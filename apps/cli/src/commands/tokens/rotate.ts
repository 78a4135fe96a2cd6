import { unwrap } from '@tessera/client';
import { Command } from 'commander';
import { confirmOrRequireYes, run } from '../../lib/command.ts';
import { printSecret } from './token-view.ts';

export function rotateTokenCommand(): Command {
  return new Command('rotate')
    .description('Give a token a new secret with the same settings; the old secret stops working at once')
    .argument('<id>', 'the token id (see `tessera tokens list`)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      run(async (cli, id: string, options: { yes?: boolean }) => {
        const { client } = await cli.session();
        await confirmOrRequireYes(
          cli,
          options.yes,
          `Rotate token ${id}? Its current secret stops working at once.`,
        );
        const rotated = await unwrap(
          client.POST('/api/account/tokens/{id}/rotate', { params: { path: { id } } }),
        );
        cli.out.result(rotated, () => printSecret(cli.out, rotated.token, rotated.secret));
      }),
    );
}
