import { unwrap } from '@tessera/client';
import { Command } from 'commander';
import { run } from '../../lib/command.ts';
import { list, shortTime } from '../../lib/output.ts';

export function listAutomationTokensCommand(): Command {
  return new Command('list')
    .alias('ls')
    .description("List a repository's automation tokens (one per task group)")
    .requiredOption('-r, --repo <id>', 'the repository id (see `tessera repos list`)')
    .action(
      run(async (cli, options: { repo: string }) => {
        const { client } = await cli.session();
        const body = await unwrap(
          client.GET('/api/repos/{id}/automation-tokens', { params: { path: { id: options.repo } } }),
        );
        cli.out.result(body, () =>
          cli.out.table(
            body.tokens,
            [
              { header: 'id', value: (t) => t.id },
              { header: 'task group', value: (t) => t.task_group_id },
              { header: 'preview', value: (t) => t.preview },
              { header: 'scopes', value: (t) => list(t.scopes) },
              { header: 'status', value: (t) => t.status },
              { header: 'last used', value: (t) => shortTime(t.last_used_at) },
            ],
            'This repository has no automation tokens.',
          ),
        );
      }),
    );
}
