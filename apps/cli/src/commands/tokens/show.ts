import { unwrap } from '@tessera/client';
import { Command } from 'commander';
import { run } from '../../lib/command.ts';
import { list, shortTime } from '../../lib/output.ts';
import { controlFields, statusText } from './token-view.ts';

export function showTokenCommand(): Command {
  return new Command('show')
    .description(
      'One token: its restrictions and rotation state, the networks it was used from (last 10) and the scopes it used in the last 30 days',
    )
    .argument('<id>', 'the token id (see `tessera tokens list`)')
    .addHelpText(
      'after',
      '\nWith --json: { token, networks, usage }, the bodies of GET /api/account/tokens/{id}, …/networks and …/usage.\n',
    )
    .action(
      run(async (cli, id: string) => {
        const { client } = await cli.session();
        const params = { params: { path: { id } } };
        const [token, { networks }, usage] = await Promise.all([
          unwrap(client.GET('/api/account/tokens/{id}', params)),
          unwrap(client.GET('/api/account/tokens/{id}/networks', params)),
          unwrap(client.GET('/api/account/tokens/{id}/usage', params)),
        ]);
        cli.out.result({ token, networks, usage }, () => {
          cli.out.fields([
            ['Id', token.id],
            ['Name', token.name],
            ...(token.description ? [['Description', token.description] as [string, string]] : []),
            ['Preview', token.preview],
            ['Status', statusText(token)],
            ['Scopes', list(token.scopes)],
            ['Created', shortTime(token.created_at)],
            ['Expires', token.expires_at ? shortTime(token.expires_at) : 'never'],
            [
              'Last used',
              token.last_used_at
                ? `${shortTime(token.last_used_at)}${token.last_used_ip ? ` from ${token.last_used_ip}` : ''}`
                : 'never',
            ],
            ...controlFields(token),
          ]);

          cli.out.line();
          cli.out.line('Networks used (last 10, most recent first):');
          if (networks.length === 0) cli.out.line('  none recorded yet');
          else
            cli.out.table(networks, [
              { header: 'network', value: (n) => n.network },
              { header: 'first seen', value: (n) => shortTime(n.first_seen_at) },
              { header: 'last seen', value: (n) => shortTime(n.last_seen_at) },
              { header: 'last address', value: (n) => n.last_ip ?? '-' },
              { header: 'uses', value: (n) => String(n.uses) },
            ]);

          cli.out.line();
          cli.out.line(`Scope usage since ${usage.since} (${usage.days} days):`);
          const used = new Map(usage.used.map((u) => [u.scope, u]));
          cli.out.table(
            [...new Set([...usage.granted, ...used.keys()])].map((scope) => ({
              scope,
              use: used.get(scope),
            })),
            [
              { header: 'scope', value: (row) => row.scope },
              { header: 'granted', value: (row) => (usage.granted.includes(row.scope) ? 'yes' : 'implied') },
              { header: 'uses', value: (row) => String(row.use?.uses ?? 0) },
              { header: 'last used', value: (row) => row.use?.last_used_on ?? '-' },
            ],
          );
          if (usage.reducible) {
            cli.out.line(
              `Suggested scopes: ${list(usage.suggested_scopes)} (apply with \`tessera tokens reduce-scopes ${token.id}\`)`,
            );
          } else if (usage.used.length === 0) {
            cli.out.line('Suggested scopes: none yet (nothing used in the window)');
          } else {
            cli.out.line('Suggested scopes: the grant is already the smallest that covers its use');
          }
          if (networks.length > 0 && !token.allowed_cidrs) {
            cli.out.line(
              `Restrict it to the networks above with \`tessera tokens restrict-networks ${token.id}\`.`,
            );
          }
        });
      }),
    );
}
