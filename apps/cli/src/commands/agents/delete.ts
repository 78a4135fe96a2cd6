import { unwrap } from '@tessera/client';
import { Command } from 'commander';
import { confirmOrRequireYes, run } from '../../lib/command.ts';

export function deleteAgentCommand(): Command {
  return new Command('delete')
    .alias('rm')
    .description('Delete your agent and its files')
    .argument('<id>', 'the agent_id')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      run(async (cli, id: string, options: { yes?: boolean }) => {
        const { client } = await cli.session();
        await confirmOrRequireYes(cli, options.yes, `Delete agent ${id} and its files?`);
        await unwrap(client.DELETE('/api/agents/{id}', { params: { path: { id } } }));
        cli.out.result({ agent_id: id, deleted: true }, () => cli.out.success(`Deleted agent ${id}.`));
      }),
    );
}
