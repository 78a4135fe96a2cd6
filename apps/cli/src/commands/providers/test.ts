import { unwrap } from '@tessera/client';
import { Command } from 'commander';
import { run } from '../../lib/command.ts';
import { CliError } from '../../lib/errors.ts';
import { list, shortTime } from '../../lib/output.ts';

export function testProviderCommand(): Command {
  return new Command('test')
    .description("Check a provider account's stored token against the provider")
    .argument('<id>', 'the provider account id (see `tessera providers list`)')
    .action(
      run(async (cli, id: string) => {
        const { client } = await cli.session();
        const result = await cli.out.progress('Asking the provider…', () =>
          unwrap(client.POST('/api/provider-accounts/{id}/test', { params: { path: { id } } })),
        );
        cli.out.result(result, () => {
          if (result.ok) {
            cli.out.success(`The token works${result.login ? ` (signed in as ${result.login})` : ''}.`);
            cli.out.fields([
              ['Scopes', list(result.scopes)],
              ['Expires', result.expires_at ? shortTime(result.expires_at) : 'never or unknown'],
            ]);
          }
        });
        // A refused token is the answer, not a failure of the command; but scripts need to see it.
        if (!result.ok) {
          throw new CliError(
            `The provider refused the token: ${result.error?.message ?? 'unknown reason'}.`,
            {
              hint:
                result.error?.code === 'unreachable'
                  ? 'The provider could not be reached; check its URL and the network.'
                  : 'Replace the token in the web UI (Provider accounts).',
            },
          );
        }
      }),
    );
}
