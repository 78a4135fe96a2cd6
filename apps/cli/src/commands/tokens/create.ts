import { isCancel, multiselect, text } from '@clack/prompts';
import { type CreateTokenRequest, unwrap } from '@tessera/client';
import { Command, Option } from 'commander';
import { canPrompt, collectList, parsePositiveInteger, run } from '../../lib/command.ts';
import { CliError, UsageError } from '../../lib/errors.ts';
import { TOKEN_SCOPES } from '../../lib/vocabulary.ts';
import { printSecret } from './token-view.ts';

interface CreateOptions {
  name?: string;
  scope?: string[];
  description?: string;
  expiresInDays?: number;
  expiry: boolean;
}

export function createTokenCommand(): Command {
  return new Command('create')
    .description('Create a personal access token (the secret is printed once)')
    .option('-n, --name <name>', 'a name you will recognise, unique among your active tokens')
    .option(
      '-s, --scope <scope>',
      `a scope to grant, one of ${TOKEN_SCOPES.join(', ')}; repeat or separate with commas`,
      collectList,
    )
    .option('-d, --description <text>', 'what the token is for')
    .option(
      '--expires-in-days <days>',
      'days until the token expires (server default: 30)',
      parsePositiveInteger('--expires-in-days'),
    )
    .addOption(
      new Option('--no-expiry', 'never expire (if the server policy allows it)').conflicts('expiresInDays'),
    )
    .addHelpText(
      'after',
      '\nExample:\n  tessera tokens create --name ci --scope agents:read,agents:write --expires-in-days 90\n',
    )
    .action(
      run(async (cli, options: CreateOptions) => {
        const { client } = await cli.session();
        let { name, scope: scopes } = options;
        if ((!name || !scopes?.length) && canPrompt(cli)) {
          const policy = await unwrap(client.GET('/api/account/tokens/policy'));
          if (!name) {
            const answer = await text({
              message: 'Token name',
              output: process.stderr,
              validate: (v) => (v?.trim() ? undefined : 'A name is required'),
            });
            if (isCancel(answer)) throw new CliError('Cancelled.');
            name = answer;
          }
          if (!scopes?.length) {
            const answer = await multiselect({
              message: 'Scopes',
              output: process.stderr,
              required: true,
              options: policy.scopes.map((s) => ({ value: s.id, label: s.id, hint: s.description })),
            });
            if (isCancel(answer)) throw new CliError('Cancelled.');
            scopes = answer;
          }
        }
        if (!name) throw new UsageError('--name is required.');
        if (!scopes?.length)
          throw new UsageError('At least one --scope is required.', 'e.g. --scope agents:read');

        const body: CreateTokenRequest = {
          name,
          scopes: scopes as CreateTokenRequest['scopes'],
          ...(options.description !== undefined ? { description: options.description } : {}),
          ...(options.expiry === false ? { expires_in_days: null } : {}),
          ...(options.expiresInDays !== undefined ? { expires_in_days: options.expiresInDays } : {}),
        };
        const created = await unwrap(client.POST('/api/account/tokens', { body }));
        cli.out.result(created, () => printSecret(cli.out, created.token, created.secret));
      }),
    );
}
