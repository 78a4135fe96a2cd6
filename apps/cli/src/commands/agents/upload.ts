import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { unwrap } from '@tessera/client';
import { Command } from 'commander';
import { run } from '../../lib/command.ts';
import { UsageError } from '../../lib/errors.ts';

export function uploadAgentCommand(): Command {
  return new Command('upload')
    .description('Upload a file to your agent')
    .argument('<id>', 'the agent_id')
    .argument('<file>', 'the file to upload')
    .action(
      run(async (cli, id: string, file: string) => {
        const info = await stat(file).catch(() => undefined);
        if (!info?.isFile()) throw new UsageError(`${file} is not a readable file.`);
        const { client } = await cli.session();
        const form = new FormData();
        form.append('file', await openAsBlob(file), path.basename(file));
        const uploaded = await cli.out.progress(
          `Uploading ${path.basename(file)} (${info.size} bytes)…`,
          () =>
            unwrap(
              client.POST('/api/agents/{id}/upload', {
                params: { path: { id } },
                // multipart/form-data: fetch sets the boundary itself.
                body: form as never,
                bodySerializer: (body: unknown) => body as FormData,
              }),
            ),
          () => `Uploaded ${path.basename(file)}.`,
        );
        cli.out.result(uploaded, () => {
          cli.out.fields([
            ['File id', uploaded.file.id],
            ['Name', uploaded.file.name],
            ['Size', String(uploaded.file.size)],
            ['SHA-256', uploaded.file.sha256],
          ]);
        });
      }),
    );
}
