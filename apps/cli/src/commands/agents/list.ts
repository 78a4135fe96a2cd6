import { type QueryParameters, unwrap } from '@tessera/client';
import { Command } from 'commander';
import { parsePositiveInteger, run } from '../../lib/command.ts';
import { AGENT_COLUMNS } from './agent-view.ts';

interface ListOptions {
  query?: string;
  category?: string;
  tag?: string;
  mine?: boolean;
  limit?: number;
  cursor?: string;
}

export function listAgentsCommand(): Command {
  return new Command('list')
    .alias('ls')
    .description('Search public agents and your own, newest first')
    .option('-q, --query <words>', 'words to find in the name or description')
    .option(
      '--category <category>',
      'only this category (e.g. automation, coding, data, devops, research, support, writing, other)',
    )
    .option('--tag <tag>', 'only agents with this tag')
    .option('--mine', 'only your own agents')
    .option('--limit <n>', 'agents per page', parsePositiveInteger('--limit'))
    .option('--cursor <cursor>', 'the next_cursor of the previous page')
    .action(
      run(async (cli, options: ListOptions) => {
        const { client } = await cli.session();
        const query = {
          ...(options.query ? { q: options.query } : {}),
          ...(options.category ? { category: options.category } : {}),
          ...(options.tag ? { tag: options.tag } : {}),
          ...(options.mine ? { mine: true } : {}),
          ...(options.limit ? { limit: options.limit } : {}),
          ...(options.cursor ? { cursor: options.cursor } : {}),
        } as QueryParameters<'/api/agents', 'get'>;
        const page = await unwrap(client.GET('/api/agents', { params: { query } }));
        cli.out.result(page, () => {
          cli.out.table(page.agents, AGENT_COLUMNS, 'No agents found.');
          if (page.next_cursor) cli.out.info(`More: tessera agents list --cursor ${page.next_cursor}`);
        });
      }),
    );
}
