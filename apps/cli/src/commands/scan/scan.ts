import { lstat, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { type FoundToken, findTokens, previewToken, unwrap } from '@tessera/client';
import { Command } from 'commander';
import { confirmOrRequireYes, run } from '../../lib/command.ts';
import { CliError } from '../../lib/errors.ts';

/** Directories never worth reading for tokens someone committed or pasted. */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.hg', '.svn']);
const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** The server takes at most this many per request (POST /api/credentials/revoke). */
const REVOKE_BATCH = 1000;

interface Finding extends FoundToken {
  file: string;
}

async function* filesUnder(target: string): AsyncGenerator<string> {
  const info = await lstat(target);
  if (info.isSymbolicLink()) return;
  if (info.isFile()) {
    yield target;
    return;
  }
  if (!info.isDirectory()) return;
  const entries = await readdir(target, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (entry.isDirectory() && SKIPPED_DIRECTORIES.has(entry.name)) continue;
    yield* filesUnder(path.join(target, entry.name));
  }
}

/** The file's text, or null when it is too large or binary (a NUL byte in its first 8 KiB). */
async function readText(file: string): Promise<string | null> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > MAX_FILE_BYTES) return null;
    const buffer = await handle.readFile();
    if (buffer.subarray(0, 8192).includes(0)) return null;
    return buffer.toString('latin1');
  } finally {
    await handle.close();
  }
}

export async function scanPath(target: string): Promise<{ findings: Finding[]; files: number }> {
  const findings: Finding[] = [];
  let files = 0;
  for await (const file of filesUnder(target)) {
    let text: string | null;
    try {
      text = await readText(file);
    } catch {
      continue;
    }
    if (text === null) continue;
    files += 1;
    for (const found of findTokens(text)) findings.push({ ...found, file });
  }
  return { findings, files };
}

export function scanCommand(): Command {
  return new Command('scan')
    .description(
      'Find Tessera tokens in files (exact: prefix and checksum) and, with --revoke, revoke them through the public revoke-by-value endpoint. Never prints a whole token.',
    )
    .argument('[path]', 'a file or directory (default: the current directory)', '.')
    .option('--revoke', 'revoke every token found (asks first; no sign-in needed)')
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      '\nExit code 0 when nothing was found, 1 when tokens were found and not revoked.\n\nExamples:\n  tessera scan .\n  tessera scan build/logs --revoke\n',
    )
    .action(
      run(async (cli, target: string, options: { revoke?: boolean; yes?: boolean }) => {
        const { findings, files } = await scanPath(target);
        const unique = [...new Set(findings.map((f) => f.token))];
        const report = findings.map((f) => ({
          file: f.file,
          line: f.line,
          column: f.column,
          kind: f.kind,
          preview: previewToken(f.token),
        }));
        let revoked = false;
        if (unique.length > 0 && options.revoke) {
          await confirmOrRequireYes(
            cli,
            options.yes,
            `Revoke the ${unique.length} token(s) found on ${cli.server}? Whoever uses them loses access.`,
          );
          const client = cli.anonymous();
          for (let i = 0; i < unique.length; i += REVOKE_BATCH) {
            await unwrap(
              client.POST('/api/credentials/revoke', {
                body: { credentials: unique.slice(i, i + REVOKE_BATCH) },
              }),
            );
          }
          revoked = true;
        }
        cli.out.result({ files_scanned: files, findings: report, revoked }, () => {
          for (const f of report) cli.out.line(`${f.file}:${f.line}:${f.column}  ${f.kind}  ${f.preview}`);
          if (report.length === 0) cli.out.success(`No Tessera tokens in ${files} file(s).`);
          else if (revoked)
            cli.out.success(
              `Sent ${unique.length} token(s) for revocation; every live one is revoked and its owner told.`,
            );
          else
            cli.out.warn(
              `Found ${unique.length} Tessera token(s) in ${files} file(s). Run with --revoke to revoke them.`,
            );
        });
        if (unique.length > 0 && !revoked) throw new CliError('Tessera tokens found (not revoked).');
      }),
    );
}
