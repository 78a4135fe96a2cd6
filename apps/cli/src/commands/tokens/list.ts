import { unwrap } from '@tessera/client';
import { Command, Option } from 'commander';
import { run } from '../../lib/command.ts';
import { TOKEN_COLUMNS } from './token-view.ts';

export function listTokensCommand(): Command {
  return new Command('list')
    .alias('ls')
    .description('List your personal access tokens, newest first')
    .addOption(
      new Option('--state <state>', 'which tokens to show')
        .choices(['active', 'inactive', 'all'])
        .default('all'),
    )
    .action(
      run(async (cli, options: { state: 'active' | 'inactive' | 'all' }) => {
        const { client } = await cli.session();
        const body = await unwrap(
          client.GET('/api/account/tokens', { params: { query: { state: options.state } } }),
        );
        cli.out.result(body, () =>
          cli.out.table(body.tokens, TOKEN_COLUMNS, 'You have no personal access tokens.'),
        );
      }),
    );
}
