import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { agentsCommand } from './commands/agents/index.ts';
import { loginCommand } from './commands/auth/login.ts';
import { logoutCommand } from './commands/auth/logout.ts';
import { signupCommand } from './commands/auth/signup.ts';
import { whoamiCommand } from './commands/auth/whoami.ts';
import { automationTokensCommand } from './commands/automation-tokens/index.ts';
import { noticesCommand } from './commands/notices/index.ts';
import { providersCommand } from './commands/providers/index.ts';
import { reposCommand } from './commands/repos/index.ts';
import { scanCommand } from './commands/scan/scan.ts';
import { tokensCommand } from './commands/tokens/index.ts';
import { requireInteractiveLogin } from './lib/context.ts';
import { EXIT, type ExitCode, toCliError } from './lib/errors.ts';
import { terminalSafe } from './lib/terminal-text.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export function buildProgram(): Command {
  const program = new Command('tessera')
    .description('Tessera on the command line: log in, manage personal access tokens and agents')
    .version(version, '-v, --version')
    .option(
      '--server <url>',
      'the Tessera server (default: $TESSERA_URL, the last login, or http://localhost:3000)',
    )
    .option('--json', 'print results as JSON (for scripts)')
    .addCommand(signupCommand())
    .addCommand(loginCommand())
    .addCommand(logoutCommand())
    .addCommand(whoamiCommand())
    .addCommand(requireInteractiveLogin(tokensCommand()))
    .addCommand(agentsCommand())
    .addCommand(reposCommand())
    .addCommand(requireInteractiveLogin(automationTokensCommand()))
    .addCommand(requireInteractiveLogin(providersCommand()))
    .addCommand(requireInteractiveLogin(noticesCommand()))
    .addCommand(scanCommand())
    .addHelpText(
      'after',
      `
New here? \`tessera signup\` creates your account and logs you in.

Credentials: TESSERA_TOKEN (any token) wins over the stored login. Logins are kept in the
system keyring, or in $XDG_CONFIG_HOME/tessera/credentials.json (mode 0600) when there is none.

Exit codes: 0 ok, 1 error, 2 usage, 4 authentication.`,
    );

  // Commands added with addCommand() do not inherit these settings: apply them to every level.
  const configure = (command: Command) => {
    command
      .exitOverride()
      .showHelpAfterError('(add --help for usage)')
      .configureOutput({ outputError: (text, write) => write(text) });
    for (const sub of command.commands) configure(sub);
  };
  configure(program);
  return program;
}

function print(stream: NodeJS.WriteStream, text: string) {
  return new Promise<void>((resolve) => stream.write(text, () => resolve()));
}

export async function main(argv: string[]): Promise<ExitCode> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the message (or the help / version) already.
      if (
        error.exitCode === 0 ||
        error.code === 'commander.version' ||
        error.code === 'commander.helpDisplayed'
      ) {
        return EXIT.ok;
      }
      return EXIT.usage;
    }
    const server = (program.opts() as { server?: string }).server ?? process.env.TESSERA_URL;
    const cliError = toCliError(error, { server });
    await print(
      process.stderr,
      terminalSafe(`error: ${cliError.message}\n${cliError.hint ? `hint: ${cliError.hint}\n` : ''}`, {
        keepLayout: true,
      }),
    );
    return cliError.exitCode;
  }
}

const code = await main(process.argv);
// Wait for stdout to drain (pipes can be asynchronous), then leave at once: idle keep-alive
// sockets and keyring handles must not hold a finished command.
await print(process.stdout, '');
process.exit(code);
