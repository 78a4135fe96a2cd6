import { type NoticeView, unwrap } from '@tessera/client';
import { Command } from 'commander';
import { run } from '../../lib/command.ts';
import { type Column, shortTime } from '../../lib/output.ts';

/** A short line of a notice's details: the credential's name, how it was revoked, its expiry. */
function details(notice: NoticeView): string {
  const data = notice.data as Record<string, unknown>;
  return [
    typeof data.name === 'string' ? data.name : null,
    typeof data.by === 'string' ? `by ${data.by}` : null,
    typeof data.expires_at === 'string' ? `expires ${shortTime(data.expires_at)}` : null,
    typeof data.ip === 'string' ? `from ${data.ip}` : null,
  ]
    .filter(Boolean)
    .join(', ');
}

const COLUMNS: Array<Column<NoticeView>> = [
  { header: 'id', value: (n) => n.id },
  { header: 'when', value: (n) => shortTime(n.created_at) },
  { header: 'event', value: (n) => n.kind },
  { header: 'details', value: (n) => details(n) || '-' },
  { header: 'read', value: (n) => (n.read_at ? 'yes' : 'no') },
];

export function listNoticesCommand(): Command {
  return new Command('list')
    .alias('ls')
    .description('List your notices, newest first (the default of `tessera notices`)')
    .option('--unread', 'only unread notices')
    .option('--limit <n>', 'how many (1-100)', '50')
    .action(
      run(async (cli, options: { unread?: boolean; limit: string }) => {
        const { client } = await cli.session();
        const limit = Math.min(100, Math.max(1, Number.parseInt(options.limit, 10) || 50));
        const body = await unwrap(
          client.GET('/api/account/notices', {
            params: { query: { limit, ...(options.unread ? { unread: true } : {}) } },
          }),
        );
        cli.out.result(body, () => {
          cli.out.table(body.notices, COLUMNS, 'You have no notices.');
          cli.out.success(`${body.unread_count} unread.`);
        });
      }),
    );
}

export function markNoticeReadCommand(): Command {
  return new Command('read')
    .description('Mark a notice read')
    .argument('<id>', 'the notice id (see `tessera notices`)')
    .action(
      run(async (cli, id: string) => {
        const { client } = await cli.session();
        const notice = await unwrap(
          client.POST('/api/account/notices/{id}/read', { params: { path: { id } } }),
        );
        cli.out.result(notice, () => cli.out.success(`Marked ${id} read.`));
      }),
    );
}

export function markAllNoticesReadCommand(): Command {
  return new Command('read-all').description('Mark every notice read').action(
    run(async (cli) => {
      const { client } = await cli.session();
      const body = await unwrap(client.POST('/api/account/notices/read-all'));
      cli.out.result(body, () => cli.out.success(`Marked ${body.marked} notice(s) read.`));
    }),
  );
}
