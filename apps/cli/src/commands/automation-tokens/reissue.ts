import { unwrap } from '@tessera/client';
import { Command } from 'commander';
import { confirmOrRequireYes, run } from '../../lib/command.ts';
import { list } from '../../lib/output.ts';

export function reissueAutomationTokenCommand(): Command {
  return new Command('reissue')
    .description(
      'Issue a new automation token for an open task group and print its secret once; a still-working token of the group stops working at once',
    )
    .argument('<task_group_id>', 'the task group id (see `tessera automation-tokens list --repo <id>`)')
    .requiredOption('-r, --repo <id>', 'the repository id')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      run(async (cli, groupId: string, options: { repo: string; yes?: boolean }) => {
        const { client } = await cli.session();
        await confirmOrRequireYes(
          cli,
          options.yes,
          `Issue a new automation token for task group ${groupId}? A token of the group that still works stops working at once.`,
        );
        const issued = await unwrap(
          client.POST('/api/repos/{id}/task-groups/{group_id}/automation-token', {
            params: { path: { id: options.repo, group_id: groupId } },
          }),
        );
        cli.out.result(issued, () => {
          cli.out.fields([
            ['Id', issued.token.id],
            ['Name', issued.token.name],
            ['Task group', issued.token.task_group_title],
            ['Scope', list(issued.token.scopes)],
            ['Expires', 'never'],
          ]);
          cli.out.line();
          cli.out.line(issued.secret);
          cli.out.line();
          cli.out.warn('Copy the token now: it is not shown again.');
        });
      }),
    );
}
