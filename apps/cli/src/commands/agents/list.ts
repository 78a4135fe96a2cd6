import { type QueryParameters, unwrap } from '@tessera/client';
import { Command } from 'commander';
import { parsePositiveInteger, run } from '../../lib/command.ts';
import type { Cli } from '../../lib/context.ts';
import { CATEGORY_HELP } from '../../lib/vocabulary.ts';
import { AGENT_COLUMNS } from './agent-view.ts';

interface ListOptions {
  query?: string;
  category?: string;
  tag?: string;
  mine?: boolean;
  limit?: number;
  cursor?: string;
}

/** Quotes a word for a POSIX shell when it needs it, so that the hint can be pasted as is. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command that shows the next page: the same filters (a cursor only makes sense with the
 * query that produced it) and the server, when it was not the default one.
 */
function nextPageCommand(options: ListOptions, cursor: string, cli: Cli): string {
  const words = ['tessera'];
  if (cli.serverGiven) words.push('--server', cli.server);
  words.push('agents', 'list');
  if (options.query) words.push('--query', options.query);
  if (options.category) words.push('--category', options.category);
  if (options.tag) words.push('--tag', options.tag);
  if (options.mine) words.push('--mine');
  if (options.limit) words.push('--limit', String(options.limit));
  words.push('--cursor', cursor);
  return words.map(shellQuote).join(' ');
}

export function listAgentsCommand(): Command {
  return new Command('list')
    .alias('ls')
    .description('Search public agents and your own, newest first')
    .option('-q, --query <words>', 'words to find in the name or description')
    .option('--category <category>', `only this category: ${CATEGORY_HELP}`)
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
          if (page.next_cursor) cli.out.info(`More: ${nextPageCommand(options, page.next_cursor, cli)}`);
        });
      }),
    );
}
