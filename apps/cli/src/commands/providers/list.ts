import { type ProviderAccount, unwrap } from '@tessera/client';
import { Command } from 'commander';
import { run } from '../../lib/command.ts';
import { type Column, shortTime } from '../../lib/output.ts';

const COLUMNS: Array<Column<ProviderAccount>> = [
  { header: 'id', value: (a) => a.id },
  { header: 'provider', value: (a) => a.provider },
  { header: 'name', value: (a) => a.name },
  { header: 'username', value: (a) => a.username ?? '-' },
  { header: 'token', value: (a) => a.token_preview },
  { header: 'status', value: (a) => a.status },
  { header: 'checked', value: (a) => shortTime(a.last_checked_at) },
];

export function listProvidersCommand(): Command {
  return new Command('list')
    .alias('ls')
    .description('List your provider accounts (GitHub, GitLab, Bitbucket); tokens are never shown')
    .action(
      run(async (cli) => {
        const { client } = await cli.session();
        const body = await unwrap(client.GET('/api/provider-accounts'));
        cli.out.result(body, () => cli.out.table(body.accounts, COLUMNS, 'You have no provider accounts.'));
      }),
    );
}
