import { unwrap } from '@tessera/client';
import { Command } from 'commander';
import { confirmOrRequireYes, run } from '../../lib/command.ts';

export function revokeAutomationTokenCommand(): Command {
  return new Command('revoke')
    .description("Revoke one of a repository's automation tokens; it stops working at once")
    .argument('<token_id>', 'the token id (see `tessera automation-tokens list --repo <id>`)')
    .requiredOption('-r, --repo <id>', 'the repository id')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(
      run(async (cli, tokenId: string, options: { repo: string; yes?: boolean }) => {
        const { client } = await cli.session();
        await confirmOrRequireYes(cli, options.yes, `Revoke automation token ${tokenId}?`);
        await unwrap(
          client.DELETE('/api/repos/{id}/automation-tokens/{token_id}', {
            params: { path: { id: options.repo, token_id: tokenId } },
          }),
        );
        // Revoking does not end the task group: name the two ways on (ADR 0024).
        const { tokens } = await unwrap(
          client.GET('/api/repos/{id}/automation-tokens', { params: { path: { id: options.repo } } }),
        );
        const revoked = tokens.find((t) => t.id === tokenId);
        const groupId = revoked?.task_group_id;
        cli.out.result(
          { id: tokenId, repo_id: options.repo, revoked: true, task_group_id: groupId ?? null },
          () => {
            cli.out.success(`Revoked automation token ${tokenId}.`);
            if (groupId && revoked?.task_group_status === 'open') {
              cli.out.info(
                `Task group ${groupId} stays open. Next: \`tessera automation-tokens reissue ${groupId} --repo ${options.repo}\` issues a new token, \`tessera automation-tokens close-group ${groupId}\` closes the group.`,
              );
            }
          },
        );
      }),
    );
}
