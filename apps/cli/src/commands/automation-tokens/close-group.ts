import { unwrap } from '@tessera/client';
import { Command } from 'commander';
import { confirmOrRequireYes, run } from '../../lib/command.ts';

export function closeTaskGroupCommand(): Command {
  return new Command('close-group')
    .description('Close a task group: its automation token is revoked at once and no new one can be issued')
    .argument('<task_group_id>', 'the task group id (see `tessera automation-tokens list --repo <id>`)')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      run(async (cli, groupId: string, options: { yes?: boolean }) => {
        const { client } = await cli.session();
        await confirmOrRequireYes(
          cli,
          options.yes,
          `Close task group ${groupId}? Its automation token stops working at once.`,
        );
        const group = await unwrap(
          client.POST('/api/task-groups/{id}/close', { params: { path: { id: groupId } } }),
        );
        cli.out.result(group, () => cli.out.success(`Closed task group ${group.id} (${group.title}).`));
      }),
    );
}
