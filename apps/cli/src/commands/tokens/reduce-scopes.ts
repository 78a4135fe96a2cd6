import { unwrap } from '@tessera/client';
import { Command } from 'commander';
import { confirmOrRequireYes, run } from '../../lib/command.ts';
import { list } from '../../lib/output.ts';

type Scopes = NonNullable<import('@tessera/client').UpdateTokenRequest['scopes']>;

export function reduceScopesCommand(): Command {
  return new Command('reduce-scopes')
    .description(
      'Apply the least-privilege suggestion: shrink a token to the scopes it used in the last 30 days (see `tessera tokens show`)',
    )
    .argument('<id>', 'the token id (see `tessera tokens list`)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      run(async (cli, id: string, options: { yes?: boolean }) => {
        const { client } = await cli.session();
        const params = { params: { path: { id } } };
        const usage = await unwrap(client.GET('/api/account/tokens/{id}/usage', params));
        if (!usage.reducible) {
          const reason =
            usage.used.length === 0
              ? `Token ${id} used no scope in the last ${usage.days} days: nothing to base a reduction on.`
              : `Token ${id} already holds only what it used (${list(usage.granted)}).`;
          cli.out.result({ reduced: false, scopes: usage.granted }, () => cli.out.info(reason));
          return;
        }
        await confirmOrRequireYes(
          cli,
          options.yes,
          `Reduce token ${id} from ${list(usage.granted)} to ${list(usage.suggested_scopes)}? Scopes cannot be added back.`,
        );
        const token = await unwrap(
          client.PATCH('/api/account/tokens/{id}', {
            ...params,
            body: { scopes: usage.suggested_scopes as Scopes },
          }),
        );
        cli.out.result({ reduced: true, scopes: token.scopes, token }, () =>
          cli.out.success(`Token ${id} now holds ${list(token.scopes)}.`),
        );
      }),
    );
}
