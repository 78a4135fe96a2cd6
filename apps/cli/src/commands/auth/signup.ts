import { password as askPassword, isCancel, text } from '@clack/prompts';
import { type TesseraClient, toTesseraApiError, type User } from '@tessera/client';
import { Command } from 'commander';
import { canPrompt, run } from '../../lib/command.ts';
import type { Cli } from '../../lib/context.ts';
import { CliError, loginCommandFor, toCliError, UsageError } from '../../lib/errors.ts';
import { credentialFromTokens, requestTokens } from '../../lib/oauth.ts';
import { LOGIN_SCOPES } from '../../lib/vocabulary.ts';

interface SignupOptions {
  email?: string;
  name?: string;
  passwordStdin?: boolean;
}

/** The password: from standard input with --password-stdin, else asked twice on a terminal. */
async function readPassword(cli: Cli, fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin) {
    if (process.stdin.isTTY) {
      throw new UsageError(
        '--password-stdin reads the password from standard input.',
        'e.g. `tessera signup --email you@example.com --password-stdin < password.txt`',
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    // The first line, as `docker login --password-stdin` reads it: a trailing newline is not part of it.
    const [line = ''] = Buffer.concat(chunks).toString('utf8').split(/\r?\n/);
    if (!line) throw new UsageError('No password on standard input.');
    return line;
  }
  if (!canPrompt(cli)) {
    throw new UsageError(
      'The password is asked for on a terminal; without one, give it on standard input.',
      'e.g. `tessera signup --email you@example.com --password-stdin < password.txt`',
    );
  }
  const first = await askPassword({
    message: 'Password (at least 12 characters)',
    output: process.stderr,
    validate: (value) => ((value?.length ?? 0) >= 12 ? undefined : 'At least 12 characters'),
  });
  if (isCancel(first)) throw new CliError('Cancelled.');
  const again = await askPassword({ message: 'The same password again', output: process.stderr });
  if (isCancel(again)) throw new CliError('Cancelled.');
  if (again !== first) throw new UsageError('The two passwords differ.');
  return first;
}

async function readEmail(cli: Cli, given: string | undefined): Promise<string> {
  if (given) return given;
  if (!canPrompt(cli)) throw new UsageError('--email is required when not running interactively.');
  const answer = await text({
    message: 'E-mail',
    output: process.stderr,
    validate: (value) => (value?.includes('@') ? undefined : 'An e-mail address'),
  });
  if (isCancel(answer)) throw new CliError('Cancelled.');
  return answer.trim();
}

/** The `tessera_session` cookie the sign-up answer sets, to end that web session afterwards. */
function sessionCookie(response: Response): string | undefined {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0] ?? '')
    .find((pair) => pair.startsWith('tessera_session='));
}

/**
 * The CLI keeps an OAuth login, not the web session the sign-up opened: that session is ended at
 * once, so that the account does not start with a 30-day sign-in nobody uses.
 */
async function endSignupSession(client: TesseraClient, cookie: string | undefined): Promise<boolean> {
  if (!cookie) return false;
  const { response } = await client
    .POST('/api/auth/logout', { headers: { cookie } })
    .catch(() => ({ response: undefined }));
  return response?.ok ?? false;
}

export function signupCommand(): Command {
  return new Command('signup')
    .description('Create your Tessera account (POST /api/auth/signup), then log the CLI in')
    .option('--email <email>', 'your e-mail address (asked for on a terminal)')
    .option('--name <name>', 'your name, as others see it (optional)')
    .option(
      '--password-stdin',
      'read the password (at least 12 characters) from standard input; on a terminal it is asked for twice',
    )
    .addHelpText(
      'after',
      '\nThe password never goes on the command line. The CLI keeps a login holding every scope\n' +
        `(${LOGIN_SCOPES.join(', ')}), like \`tessera login\`.\n\n` +
        'Examples:\n  tessera signup --server https://tessera.example.com\n' +
        '  tessera signup --email you@example.com --name You --password-stdin < password.txt\n',
    )
    .action(
      run(async (cli, options: SignupOptions) => {
        if (cli.env.TESSERA_TOKEN) {
          cli.out.warn('TESSERA_TOKEN is set: commands will use it rather than this login.');
        }
        const email = await readEmail(cli, options.email);
        const password = await readPassword(cli, options.passwordStdin);
        const client = cli.anonymous();

        const { data, error, response } = await client.POST('/api/auth/signup', {
          body: { email, password, ...(options.name ? { name: options.name } : {}) },
        });
        if (!data) {
          const failure = toCliError(toTesseraApiError(response, error), { server: cli.server });
          if (response.status === 409) {
            throw new CliError(failure.message, {
              hint: `That e-mail already has an account: run \`${loginCommandFor({ server: cli.server })}\`.`,
            });
          }
          throw failure;
        }
        const user: User = data.user;

        let tokens: Awaited<ReturnType<typeof requestTokens>>;
        try {
          tokens = await requestTokens(client, { grant_type: 'password', username: email, password });
        } catch (cause) {
          throw new CliError(
            `Your account ${user.email} was created, but the CLI could not log in: ${toCliError(cause).message}`,
            { hint: `Run \`${loginCommandFor({ server: cli.server })}\`.` },
          );
        }
        if (!(await endSignupSession(client, sessionCookie(response)))) {
          cli.out.warn(
            'Could not end the web session the sign-up opened; it is listed under Settings → Sessions and devices.',
          );
        }
        const credential = credentialFromTokens(tokens, new Date(), { id: user.id, email: user.email });
        const location = await cli.store.set(cli.server, credential);
        cli.out.result(
          {
            server: cli.server,
            user,
            credential: credential.kind,
            scopes: credential.kind === 'oauth' ? (credential.scopes ?? null) : null,
            stored_in: location,
          },
          () => {
            cli.out.success(`Created your account ${user.email} on ${cli.server} and logged in.`);
            cli.out.info(
              location === 'keyring'
                ? 'The login is in the system keyring.'
                : `The login is in ${cli.store.file} (readable only by you).`,
            );
            cli.out.info(
              'Next: a personal access token for scripts and the registry clients, with\n' +
                '  tessera tokens create --name ci --scope agents:read,agents:write\n' +
                'or in the web UI under Settings → Personal access tokens → Generate new token.',
            );
          },
        );
      }),
    );
}
