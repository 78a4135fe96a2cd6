import { type RequestBody, unwrap } from '@tessera/client';
import { Command, Option } from 'commander';
import { collectList, run } from '../../lib/command.ts';
import { CATEGORY_HELP } from '../../lib/vocabulary.ts';
import { type AgentFieldOptions, printAgent } from './agent-view.ts';

export function createAgentCommand(): Command {
  return new Command('create')
    .description('Register an agent')
    .requiredOption('-n, --name <name>', 'the agent name')
    .requiredOption('-c, --category <category>', `what the agent is for: ${CATEGORY_HELP}`)
    .option('-d, --description <text>', 'a description', '')
    .option('-f, --framework <id>', 'the AI framework (see GET /api/frameworks)')
    .option('-t, --tag <tag>', 'a tag; repeat or separate with commas', collectList)
    .addOption(
      new Option('--visibility <visibility>', 'who may read it')
        .choices(['public', 'private'])
        .default('private'),
    )
    .action(
      run(async (cli, options: AgentFieldOptions) => {
        const { client } = await cli.session();
        const body = {
          name: options.name,
          description: options.description ?? '',
          category: options.category,
          ...(options.framework ? { framework: options.framework } : {}),
          tags: options.tag ?? [],
          visibility: options.visibility,
        } as RequestBody<'/api/agents', 'post'>;
        const agent = await unwrap(client.POST('/api/agents', { body }));
        cli.out.result(agent, () => {
          cli.out.success(`Created agent ${agent.agent_id}.`);
          printAgent(cli.out, agent);
        });
      }),
    );
}
