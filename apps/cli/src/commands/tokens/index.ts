import { Command } from 'commander';
import { createTokenCommand } from './create.ts';
import { listTokensCommand } from './list.ts';
import { revokeTokenCommand } from './revoke.ts';
import { rotateTokenCommand } from './rotate.ts';

export function tokensCommand(): Command {
  return new Command('tokens')
    .description('Manage your personal access tokens (needs an interactive login, not a PAT)')
    .addCommand(listTokensCommand())
    .addCommand(createTokenCommand())
    .addCommand(rotateTokenCommand())
    .addCommand(revokeTokenCommand());
}
