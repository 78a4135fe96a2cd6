import { Command } from 'commander';
import { createAgentCommand } from './create.ts';
import { deleteAgentCommand } from './delete.ts';
import { getAgentCommand } from './get.ts';
import { listAgentsCommand } from './list.ts';
import { updateAgentCommand } from './update.ts';
import { uploadAgentCommand } from './upload.ts';

export function agentsCommand(): Command {
  return new Command('agents')
    .description('Browse and manage agents in the registry')
    .addCommand(listAgentsCommand())
    .addCommand(getAgentCommand())
    .addCommand(createAgentCommand())
    .addCommand(updateAgentCommand())
    .addCommand(deleteAgentCommand())
    .addCommand(uploadAgentCommand());
}
