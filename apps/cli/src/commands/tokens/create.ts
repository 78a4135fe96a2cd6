import { isCancel, multiselect, text } from '@clack/prompts';
import { type CreateTokenRequest, unwrap } from '@tessera/client';
import { Command, Option } from 'commander';
import { canPrompt, collectList, parsePositiveInteger, run } from '../../lib/command.ts';
import { CliError, UsageError } from '../../lib/errors.ts';
import { TOKEN_SCOPES } from '../../lib/vocabulary.ts';
import { resolveRepoIds } from './resolve-repos.ts';
import { printSecret } from './token-view.ts';

interface CreateOptions {
  name?: string;
  scope?: string[];
  description?: string;
  expiresInDays?: number;
  expiry: boolean;
  repo?: string[];
  allowCidr?: string[];
  allowSelfRotation?: boolean;
  onReplay?: 'notify' | 'revoke';
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
    .option(
      '--repo <owner/name>',
      'limit its repos:* and tasks:* scopes to this connected repository (name or id); repeat for more',
      collectList,
    )
    .option(
      '--allow-cidr <cidr>',
      'accept the token only from this network, e.g. 203.0.113.0/24 or 2001:db8::/48; repeat for more',
      collectList,
    )
    .option(
      '--allow-self-rotation',
      'let the token rotate itself (`tessera tokens self-rotate`), e.g. for automation',
    )
    .addOption(
      new Option(
        '--on-replay <action>',
        'when a secret this token was rotated away from is presented: notify you, or also revoke the token (default: revoke with --allow-self-rotation, else notify)',
      ).choices(['notify', 'revoke']),
    )
    .addHelpText(
      'after',
      `
Examples:
  tessera tokens create --name ci --scope agents:read,agents:write --expires-in-days 90
  tessera tokens create --name deploy --scope repos:read,tasks:write --repo octo/hello-world \\
    --allow-cidr 203.0.113.0/24 --allow-self-rotation --on-replay revoke
`,
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
          ...(options.repo?.length ? { repo_ids: await resolveRepoIds(client, options.repo) } : {}),
          ...(options.allowCidr?.length ? { allowed_cidrs: options.allowCidr } : {}),
          ...(options.allowSelfRotation ? { allow_self_rotation: true } : {}),
          ...(options.onReplay ? { on_rotated_out_use: options.onReplay } : {}),
        };
        const created = await unwrap(client.POST('/api/account/tokens', { body }));
        cli.out.result(created, () => printSecret(cli.out, created.token, created.secret));
      }),
    );
}
