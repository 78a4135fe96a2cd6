import { unwrap } from '@tessera/client';
import { Command } from 'commander';
import { run } from '../../lib/command.ts';
import { list, shortTime } from '../../lib/output.ts';

export function listAutomationTokensCommand(): Command {
  return new Command('list')
    .alias('ls')
    .description(
      "List a repository's automation tokens, newest first: name (task-group-<id>), the task group's title, scope, expiry, created, last used",
    )
    .requiredOption('-r, --repo <id>', 'the repository id (see `tessera repos list`)')
    .action(
      run(async (cli, options: { repo: string }) => {
        const { client } = await cli.session();
        const body = await unwrap(
          client.GET('/api/repos/{id}/automation-tokens', { params: { path: { id: options.repo } } }),
        );
        cli.out.result(body, () => {
          cli.out.table(
            body.tokens,
            [
              { header: 'id', value: (t) => t.id },
              { header: 'name', value: (t) => t.name },
              {
                header: 'task group',
                value: (t) =>
                  t.task_group_status === 'closed' ? `${t.task_group_title} (closed)` : t.task_group_title,
              },
              { header: 'scope', value: (t) => list(t.scopes) },
              { header: 'expires', value: (t) => (t.expires_at ? shortTime(t.expires_at) : 'never') },
              { header: 'created', value: (t) => shortTime(t.created_at) },
              { header: 'last used', value: (t) => (t.last_used_at ? shortTime(t.last_used_at) : 'never') },
              { header: 'status', value: (t) => t.status },
            ],
            'This repository has no automation tokens.',
          );
          // A revoked token's group may go on: say how.
          const stranded = body.tokens.filter(
            (t) =>
              t.task_group_status === 'open' &&
              t.status !== 'active' &&
              !body.tokens.some((o) => o.task_group_id === t.task_group_id && o.status === 'active'),
          );
          for (const groupId of new Set(stranded.map((t) => t.task_group_id))) {
            cli.out.info(
              `Task group ${groupId} is open without a working token: \`tessera automation-tokens reissue ${groupId} --repo ${options.repo}\` issues a new one, \`tessera automation-tokens close-group ${groupId}\` closes it.`,
            );
          }
        });
      }),
    );
}
