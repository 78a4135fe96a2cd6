import { randomBytes } from 'node:crypto';
import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isTesseraApiError, unwrap } from '@tessera/client';
import { Command } from 'commander';
import { parseDurationMinutes, run } from '../../lib/command.ts';
import { allowAnyCredential } from '../../lib/context.ts';
import { AuthError, CliError } from '../../lib/errors.ts';
import { shortTime } from '../../lib/output.ts';
import { printSecret } from './token-view.ts';

/** Writes the secret so that no other user can read it at any moment: a 0600 file renamed into place. */
async function writeSecretFile(file: string, secret: string): Promise<string> {
  const target = path.resolve(file);
  const temporary = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString('hex')}`,
  );
  try {
    await writeFile(temporary, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(temporary, 0o600);
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new CliError(`Could not write ${target}: ${(error as Error).message}.`, {
      hint: 'The token was rotated, but its new secret is lost: rotate it again from an interactive login (`tessera tokens rotate`), or with its old secret while the overlap lasts.',
    });
  }
  return target;
}

export function selfRotateTokenCommand(): Command {
  return allowAnyCredential(
    new Command('self-rotate')
      .description(
        'Rotate the personal access token in use (TESSERA_TOKEN or `tessera login --with-token`): for automation, with a token created with --allow-self-rotation. Same scopes and settings, its lifetime again from now; the old secret keeps working until the new one is first used or the deadline',
      )
      .option(
        '--out <file>',
        'write the new secret to this file (mode 0600, replaced atomically) instead of printing it',
      )
      .option(
        '--overlap-deadline <duration>',
        'the old secret stops after this long at the latest even if the new one is never used: minutes, or 45m, 2h (≤ 24h, default 1h)',
        parseDurationMinutes('--overlap-deadline'),
      )
      .addHelpText(
        'after',
        `
Examples:
  TESSERA_TOKEN=$(cat token.txt) tessera tokens self-rotate --out token.txt
  tessera tokens self-rotate --json | jq -r .secret

A token stored with \`tessera login --with-token\` is replaced in the store as well.
With --json and --out the secret is not printed: { token, written_to }.
`,
      )
      .action(
        run(async (cli, options: { out?: string; overlapDeadline?: number }) => {
          const session = await cli.session();
          const rotated = await unwrap(
            session.client.POST('/api/tokens/self/rotate', {
              body:
                options.overlapDeadline !== undefined
                  ? { overlap_deadline_minutes: options.overlapDeadline }
                  : {},
            }),
          ).catch((error: unknown) => {
            if (isTesseraApiError(error) && error.code === 'interactive_credential_required') {
              throw new AuthError(
                error.detail,
                'Only a personal access token created with --allow-self-rotation can rotate itself. Rotate other tokens from an interactive login with `tessera tokens rotate <id>`.',
              );
            }
            if (isTesseraApiError(error) && error.code === 'not_found') {
              throw new AuthError(
                error.detail,
                'self-rotate rotates the personal access token in use (TESSERA_TOKEN or a token stored with `tessera login --with-token`); a device or web login cannot.',
              );
            }
            throw error;
          });
          const { token, secret } = rotated;
          const writtenTo = options.out ? await writeSecretFile(options.out, secret) : undefined;
          if (session.source === 'stored' && session.credential.kind === 'token') {
            await cli.store.set(cli.server, { ...session.credential, token: secret });
          }
          const until = token.old_secret_valid_until
            ? `The old secret works until the new one is first used, at the latest ${shortTime(token.old_secret_valid_until)} UTC.`
            : 'The old secret has stopped working.';
          if (writtenTo) {
            cli.out.result({ token, written_to: writtenTo }, () => {
              cli.out.success(
                `Rotated ${token.name} (${token.id}); the new secret is in ${writtenTo} (mode 0600).`,
              );
              cli.out.info(until);
            });
          } else {
            cli.out.result(rotated, () => {
              printSecret(cli.out, token, secret);
              cli.out.info(until);
            });
          }
          if (session.source === 'env')
            cli.out.warn('TESSERA_TOKEN still holds the old secret: give your automation the new one.');
        }),
      ),
  );
}
