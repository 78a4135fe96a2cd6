import { Command } from 'commander';
import { createTokenCommand } from './create.ts';
import { listTokensCommand } from './list.ts';
import { reduceScopesCommand } from './reduce-scopes.ts';
import { restrictNetworksCommand } from './restrict-networks.ts';
import { revokeTokenCommand } from './revoke.ts';
import { rotateTokenCommand } from './rotate.ts';
import { selfRotateTokenCommand } from './self-rotate.ts';
import { showTokenCommand } from './show.ts';

export function tokensCommand(): Command {
  return new Command('tokens')
    .description(
      'Manage your personal access tokens (needs an interactive login, not a PAT; except self-rotate, which a PAT runs on itself)',
    )
    .addCommand(listTokensCommand())
    .addCommand(showTokenCommand())
    .addCommand(createTokenCommand())
    .addCommand(rotateTokenCommand())
    .addCommand(restrictNetworksCommand())
    .addCommand(reduceScopesCommand())
    .addCommand(revokeTokenCommand())
    .addCommand(selfRotateTokenCommand());
}
