import { Command } from 'commander';
import { listProvidersCommand } from './list.ts';
import { testProviderCommand } from './test.ts';

export function providersCommand(): Command {
  return new Command('providers')
    .description('Your provider accounts: the GitHub, GitLab and Bitbucket tokens Tessera keeps for you')
    .addCommand(listProvidersCommand())
    .addCommand(testProviderCommand());
}
