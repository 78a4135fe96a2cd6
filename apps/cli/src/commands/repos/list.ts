import { type Repo, unwrap } from '@tessera/client';
import { Command } from 'commander';
import { run } from '../../lib/command.ts';
import { type Column, shortTime } from '../../lib/output.ts';

const COLUMNS: Array<Column<Repo>> = [
  { header: 'id', value: (r) => r.id },
  { header: 'provider', value: (r) => r.provider },
  { header: 'repository', value: (r) => r.full_name },
  { header: 'private', value: (r) => (r.private ? 'yes' : 'no') },
  { header: 'default branch', value: (r) => r.default_branch ?? '-' },
  { header: 'added', value: (r) => shortTime(r.created_at) },
];

export function listReposCommand(): Command {
  return new Command('list')
    .alias('ls')
    .description('List the repositories connected to Tessera')
    .action(
      run(async (cli) => {
        const { client } = await cli.session();
        const body = await unwrap(client.GET('/api/repos'));
        cli.out.result(body, () => cli.out.table(body.repos, COLUMNS, 'No repositories are connected.'));
      }),
    );
}
