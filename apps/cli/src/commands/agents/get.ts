import { unwrap } from '@tessera/client';
import { Command } from 'commander';
import { run } from '../../lib/command.ts';
import { printAgent } from './agent-view.ts';

export function getAgentCommand(): Command {
  return new Command('get')
    .alias('view')
    .description('Show an agent and its files')
    .argument('<id>', 'the agent_id')
    .action(
      run(async (cli, id: string) => {
        const { client } = await cli.session();
        const agent = await unwrap(client.GET('/api/agents/{id}', { params: { path: { id } } }));
        cli.out.result(agent, () => printAgent(cli.out, agent));
      }),
    );
}
