import { type RotateTokenRequest, unwrap } from '@tessera/client';
import { Command, Option } from 'commander';
import { confirmOrRequireYes, parseDurationMinutes, parsePositiveInteger, run } from '../../lib/command.ts';
import { printSecret } from './token-view.ts';

interface RotateOptions {
  yes?: boolean;
  overlap?: 'none' | 'until-first-use' | 'first-use';
  overlapDeadline?: number;
  expiresInDays?: number;
  expiry: boolean;
}

export function rotateTokenCommand(): Command {
  return new Command('rotate')
    .description(
      'Give a token a new secret and a new expiry (by default its current lifetime again, from now); the old secret stops working at once, or with --overlap until-first-use when the new one is first used. An expired token can be regenerated this way.',
    )
    .argument('<id>', 'the token id (see `tessera tokens list`)')
    .option(
      '--expires-in-days <days>',
      "days until the new secret expires (default: the token's current lifetime, within the server's maximum)",
      parsePositiveInteger('--expires-in-days'),
    )
    .addOption(
      new Option('--no-expiry', 'never expire (if the server policy allows it)').conflicts('expiresInDays'),
    )
    .addOption(
      new Option(
        '--overlap <mode>',
        'none: the old secret stops at once; until-first-use (or first-use): both work until the new one is first used or the deadline',
      )
        .choices(['none', 'until-first-use', 'first-use'])
        .default('none'),
    )
    .option(
      '--overlap-deadline <duration>',
      'with --overlap until-first-use: the old secret stops after this long at the latest: minutes, or 45m, 2h, 1h30m (≤ 24h, default 1h)',
      parseDurationMinutes('--overlap-deadline'),
    )
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      '\nExamples:\n  tessera tokens rotate tok_… --expires-in-days 90\n  tessera tokens rotate tok_… --overlap until-first-use --overlap-deadline 2h\n',
    )
    .action(
      run(async (cli, id: string, options: RotateOptions) => {
        const { client } = await cli.session();
        const overlap = options.overlap !== undefined && options.overlap !== 'none';
        await confirmOrRequireYes(
          cli,
          options.yes,
          overlap
            ? `Rotate token ${id}? Its current secret stops working when the new one is first used.`
            : `Rotate token ${id}? Its current secret stops working at once.`,
        );
        const body: RotateTokenRequest = {
          ...(options.expiry === false ? { expires_in_days: null } : {}),
          ...(options.expiresInDays !== undefined ? { expires_in_days: options.expiresInDays } : {}),
          ...(overlap ? { overlap: 'until_first_use' as const } : {}),
          ...(options.overlapDeadline !== undefined
            ? { overlap_deadline_minutes: options.overlapDeadline }
            : {}),
        };
        const rotated = await unwrap(
          client.POST('/api/account/tokens/{id}/rotate', { params: { path: { id } }, body }),
        );
        cli.out.result(rotated, () => printSecret(cli.out, rotated.token, rotated.secret));
      }),
    );
}
