import { Command } from 'commander';
import { listNoticesCommand, markAllNoticesReadCommand, markNoticeReadCommand } from './list.ts';

export function noticesCommand(): Command {
  return new Command('notices')
    .description(
      'Your notices: what happened to your tokens and account (created, expiring, revoked, leaked…)',
    )
    .addCommand(listNoticesCommand(), { isDefault: true })
    .addCommand(markNoticeReadCommand())
    .addCommand(markAllNoticesReadCommand());
}
