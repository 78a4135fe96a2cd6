import { unwrap } from '@tessera/client';
import { Command } from 'commander';
import { confirmOrRequireYes, run } from '../../lib/command.ts';
import { CliError } from '../../lib/errors.ts';
import { list } from '../../lib/output.ts';

export function restrictNetworksCommand(): Command {
  return new Command('restrict-networks')
    .description(
      'Restrict a token to the networks it has been used from (its last 10 /24 or /64 networks, see `tessera tokens show`); anywhere else it gets 403',
    )
    .argument('<id>', 'the token id (see `tessera tokens list`)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      run(async (cli, id: string, options: { yes?: boolean }) => {
        const { client } = await cli.session();
        const params = { params: { path: { id } } };
        const { networks } = await unwrap(client.GET('/api/account/tokens/{id}/networks', params));
        if (networks.length === 0) {
          throw new CliError(
            `Token ${id} has no recorded use yet, so there is no network to restrict it to.`,
            {
              hint: 'Use it first (uses are recorded within seconds), or give networks with the web UI or the API (allowed_cidrs).',
            },
          );
        }
        const cidrs = networks.map((n) => n.network);
        await confirmOrRequireYes(
          cli,
          options.yes,
          `Restrict token ${id} to ${list(cidrs)}? Requests from anywhere else will be refused.`,
        );
        const token = await unwrap(
          client.PATCH('/api/account/tokens/{id}', { ...params, body: { allowed_cidrs: cidrs } }),
        );
        cli.out.result(token, () =>
          cli.out.success(`Token ${id} now works only from ${list(token.allowed_cidrs)}.`),
        );
      }),
    );
}
