import { type RequestBody, unwrap } from '@tessera/client';
import { Command, Option } from 'commander';
import { collectList, run } from '../../lib/command.ts';
import { UsageError } from '../../lib/errors.ts';
import { CATEGORY_HELP } from '../../lib/vocabulary.ts';
import { type AgentFieldOptions, printAgent } from './agent-view.ts';

export function updateAgentCommand(): Command {
  return new Command('update')
    .alias('edit')
    .description('Change some members of your agent; the others stay')
    .argument('<id>', 'the agent_id')
    .option('-n, --name <name>', 'a new name')
    .option('-c, --category <category>', `a new category: ${CATEGORY_HELP}`)
    .option('-d, --description <text>', 'a new description')
    .option('-f, --framework <id>', 'a new framework ("none" clears it)')
    .option(
      '-t, --tag <tag>',
      'the new tags (replace the old ones); repeat or separate with commas',
      collectList,
    )
    .addOption(new Option('--visibility <visibility>', 'who may read it').choices(['public', 'private']))
    .action(
      run(async (cli, id: string, options: AgentFieldOptions) => {
        const body: Record<string, unknown> = {};
        if (options.name !== undefined) body.name = options.name;
        if (options.description !== undefined) body.description = options.description;
        if (options.category !== undefined) body.category = options.category;
        if (options.framework !== undefined)
          body.framework = options.framework === 'none' ? null : options.framework;
        if (options.tag !== undefined) body.tags = options.tag;
        if (options.visibility !== undefined) body.visibility = options.visibility;
        if (Object.keys(body).length === 0)
          throw new UsageError('Nothing to change: give at least one option.');
        const { client } = await cli.session();
        const agent = await unwrap(
          client.PUT('/api/agents/{id}', {
            params: { path: { id } },
            body: body as RequestBody<'/api/agents/{id}', 'put'>,
          }),
        );
        cli.out.result(agent, () => {
          cli.out.success(`Updated agent ${agent.agent_id}.`);
          printAgent(cli.out, agent);
        });
      }),
    );
}
