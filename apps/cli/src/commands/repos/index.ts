import { Command } from 'commander';
import { listReposCommand } from './list.ts';

export function reposCommand(): Command {
  return new Command('repos').description('Repositories connected to Tessera').addCommand(listReposCommand());
}
