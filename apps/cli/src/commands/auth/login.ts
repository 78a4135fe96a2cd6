import { createTesseraClient, isTesseraApiError, type TesseraClient, unwrap } from '@tessera/client';
import { Command, Option } from 'commander';
import { openBrowser } from '../../lib/browser.ts';
import { readStdin, run } from '../../lib/command.ts';
import type { Cli } from '../../lib/context.ts';
import type { StoredCredential } from '../../lib/credential-store.ts';
import { AuthError, CliError, UsageError } from '../../lib/errors.ts';
import { receiveAuthorizationCode } from '../../lib/loopback.ts';
import {
  ACCOUNT_SCOPE,
  authorizeUrl,
  collectScopes,
  createPkce,
  credentialFromTokens,
  DEFAULT_LOGIN_SCOPES,
  pollDeviceTokens,
  requestTokens,
  startDeviceAuthorization,
} from '../../lib/oauth.ts';
import { LOGIN_SCOPES } from '../../lib/vocabulary.ts';

/** Tokens `--with-token` accepts: PATs, automation tokens and (short-lived) access tokens. */
const ACCEPTED_TOKEN = /^tes_(pat|aut|acc)_[0-9A-Za-z]{46}$/;

interface LoginOptions {
  web?: boolean;
  withToken?: boolean;
  scope?: string[];
  browser: boolean;
}

async function userFor(cli: Cli, token: string) {
  const client = createTesseraClient({ baseUrl: cli.server, token });
  const { data } = await client.GET('/api/me');
  return data ? { id: data.user.id, email: data.user.email } : undefined;
}

/**
 * Who a new OAuth login belongs to. A login granted without profile:read cannot read the
 * profile (403) but is a good login all the same; a 401 means the server refused the token.
 */
async function ownerOfNewLogin(cli: Cli, token: string) {
  const client = createTesseraClient({ baseUrl: cli.server, token });
  const { data, response } = await client.GET('/api/me');
  if (data) return { id: data.user.id, email: data.user.email };
  if (response.status === 403) return undefined;
  throw new AuthError('The server did not accept the new login.', 'Run `tessera login` again.');
}

/** The agents registry's own PATs: 64 hexadecimal characters (docs/registry-migration.md). */
const REGISTRY_TOKEN = /^[0-9a-f]{64}$/i;

/**
 * Checks a pasted token before keeping it: a typo must fail now, not on the next command. A
 * string that is not a token is an authentication failure (exit 4) like a token the server
 * refuses: both are "a token that is invalid" in the README's exit-code table.
 */
async function loginWithToken(cli: Cli): Promise<StoredCredential> {
  const token = (await readStdin()).trim();
  if (!token) throw new UsageError('No token on standard input.');
  const create = 'Create one under Settings → Personal access tokens → Generate new token';
  if (!ACCEPTED_TOKEN.test(token)) {
    throw new AuthError(
      'That is not a Tessera personal access, automation or access token.',
      REGISTRY_TOKEN.test(token)
        ? `It looks like a token of the old agents registry (64 hex characters); Tessera's look like tes_pat_… (54 characters). ${create}, or with \`tessera tokens create\`.`
        : `Tokens look like tes_pat_… (54 characters). ${create}.`,
    );
  }
  const client = createTesseraClient({ baseUrl: cli.server, token });
  // A PAT may lack profile:read, so it proves itself through /api/tokens/self, which any token may read.
  try {
    if (token.startsWith('tes_acc_')) await unwrap(client.GET('/api/me'));
    else await unwrap(client.GET('/api/tokens/self'));
  } catch (error) {
    if (isTesseraApiError(error) && error.code === 'invalid_token') {
      throw new AuthError(
        `${cli.server} did not accept that token: ${error.detail}`,
        `Check that it was made on ${cli.server} and is still active. ${create}.`,
      );
    }
    throw error;
  }
  return { kind: 'token', token, user: await userFor(cli, token).catch(() => undefined) };
}

async function loginWithDevice(cli: Cli, client: TesseraClient, scope: string | undefined) {
  let device: Awaited<ReturnType<typeof startDeviceAuthorization>>;
  try {
    device = await startDeviceAuthorization(client, scope);
  } catch (error) {
    if (isTesseraApiError(error) && error.status === 404) {
      throw new CliError('This server does not offer the device flow.', {
        hint: 'Use `tessera login --web`, or `tessera login --with-token` with a personal access token.',
      });
    }
    throw error;
  }
  cli.out.info(`First copy your one-time code: ${device.user_code}`);
  cli.out.info(
    `Then open ${device.verification_uri_complete ?? device.verification_uri} and approve the request.`,
  );
  return cli.out.progress(
    'Waiting for approval in the browser…',
    () => pollDeviceTokens(client, device),
    () => 'Approved.',
  );
}

/** The issuer the server names in its metadata (RFC 8414), to check the `iss` of the answer (RFC 9207). */
async function expectedIssuer(client: TesseraClient): Promise<string | undefined> {
  const { data } = await client
    .GET('/.well-known/oauth-authorization-server')
    .catch(() => ({ data: undefined }));
  return data?.issuer;
}

async function loginWithBrowser(
  cli: Cli,
  client: TesseraClient,
  scope: string | undefined,
  browser: boolean,
) {
  const issuer = await expectedIssuer(client);
  const pkce = createPkce();
  const receiver = await receiveAuthorizationCode({ state: pkce.state, timeoutMs: 5 * 60_000 });
  try {
    const url = authorizeUrl(cli.server, { redirectUri: receiver.redirectUri, ...pkce, scope });
    const opened = browser && openBrowser(url, cli.env);
    cli.out.info(
      opened ? 'Opening your browser to approve the login…' : 'Open this address to approve the login:',
    );
    cli.out.info(url);
    const { code, issuer: answeredBy } = await cli.out.progress(
      'Waiting for the browser…',
      () => receiver.result,
      () => 'Approved.',
    );
    // A code from another authorization server (a mix-up attack) must not be sent to this one.
    if (issuer && answeredBy !== null && answeredBy !== issuer) {
      throw new AuthError('The answer came from another authorization server; the login was stopped.');
    }
    return await requestTokens(client, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: receiver.redirectUri,
      code_verifier: pkce.verifier,
    });
  } finally {
    receiver.close();
  }
}

export function loginCommand(): Command {
  return new Command('login')
    .description('Log in to a Tessera server (device flow by default)')
    .option('--web', 'log in through the browser (authorization code + PKCE, loopback redirect)')
    .option('--with-token', 'read a personal access token from standard input')
    .option(
      '--scope <scopes>',
      `scopes to ask for, separated by commas or spaces, repeatable; allowed: ${LOGIN_SCOPES.join(', ')} ` +
        '(default: all of them); without "account" the login cannot manage tokens or other account settings',
      collectScopes,
    )
    .addOption(new Option('--no-browser', 'with --web: print the address instead of opening a browser'))
    .addHelpText(
      'after',
      '\nNo account yet? `tessera signup` creates one and logs you in.\n' +
        '\nExamples:\n  tessera login\n  tessera login --web\n  tessera login --scope agents:read,repos:read\n' +
        '  tessera login --with-token < token.txt\n',
    )
    .action(
      run(async (cli, options: LoginOptions) => {
        if (options.web && options.withToken) throw new UsageError('Choose one of --web and --with-token.');
        if (cli.env.TESSERA_TOKEN) {
          cli.out.warn('TESSERA_TOKEN is set: commands will use it rather than this login.');
        }
        const client = cli.anonymous();
        let credential: StoredCredential;
        if (options.withToken) {
          if (options.scope) throw new UsageError('--scope applies to OAuth logins, not to --with-token.');
          credential = await loginWithToken(cli);
        } else {
          const scopes = options.scope?.length ? options.scope : [...DEFAULT_LOGIN_SCOPES];
          const scope = scopes.join(' ');
          cli.out.info(`Asking for: ${scopes.join(', ')}`);
          const tokens = options.web
            ? await loginWithBrowser(cli, client, scope, options.browser)
            : await loginWithDevice(cli, client, scope);
          credential = credentialFromTokens(
            tokens,
            new Date(),
            await ownerOfNewLogin(cli, tokens.access_token),
          );
          if (credential.kind === 'oauth' && !credential.scopes?.includes(ACCOUNT_SCOPE)) {
            cli.out.warn(
              'This login has no "account" scope: it cannot manage tokens, provider accounts or sessions.',
            );
          }
        }
        const location = await cli.store.set(cli.server, credential);
        cli.out.result(
          {
            server: cli.server,
            user: credential.user ?? null,
            credential: credential.kind,
            scopes: credential.kind === 'oauth' ? (credential.scopes ?? null) : null,
            stored_in: location,
          },
          () => {
            const who = credential.user ? ` as ${credential.user.email}` : '';
            cli.out.success(`Logged in to ${cli.server}${who}.`);
            if (credential.kind === 'oauth' && credential.scopes) {
              cli.out.info(`Granted: ${credential.scopes.join(', ')}`);
            }
            cli.out.info(
              location === 'keyring'
                ? 'The credential is in the system keyring.'
                : `The credential is in ${cli.store.file} (readable only by you).`,
            );
          },
        );
      }),
    );
}
