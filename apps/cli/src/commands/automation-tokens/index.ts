import { Command } from 'commander';
import { closeTaskGroupCommand } from './close-group.ts';
import { listAutomationTokensCommand } from './list.ts';
import { reissueAutomationTokenCommand } from './reissue.ts';
import { revokeAutomationTokenCommand } from './revoke.ts';

export function automationTokensCommand(): Command {
  return new Command('automation-tokens')
    .description("A repository's automation tokens (needs an interactive login)")
    .addCommand(listAutomationTokensCommand())
    .addCommand(revokeAutomationTokenCommand())
    .addCommand(reissueAutomationTokenCommand())
    .addCommand(closeTaskGroupCommand());
}
