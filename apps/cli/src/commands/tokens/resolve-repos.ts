import { type TesseraClient, unwrap } from '@tessera/client';
import { UsageError } from '../../lib/errors.ts';

/**
 * `--repo` values → repository ids. Each is an id (see `tessera repos list`) or `owner/name` as the
 * provider spells it; a name two providers share must be given by id.
 */
export async function resolveRepoIds(client: TesseraClient, given: string[]): Promise<string[]> {
  const { repos } = await unwrap(client.GET('/api/repos'));
  const ids: string[] = [];
  for (const value of given) {
    const byId = repos.find((repo) => repo.id === value);
    const byName = byId ? [byId] : repos.filter((r) => r.full_name.toLowerCase() === value.toLowerCase());
    if (byName.length === 0) {
      throw new UsageError(
        `No connected repository is called "${value}".`,
        'See `tessera repos list` for their names and ids.',
      );
    }
    if (byName.length > 1) {
      throw new UsageError(
        `"${value}" names ${byName.length} connected repositories (${byName
          .map((r) => `${r.provider}: ${r.id}`)
          .join(', ')}).`,
        'Give the one you mean by its id.',
      );
    }
    if (!ids.includes(byName[0]!.id)) ids.push(byName[0]!.id);
  }
  return ids;
}
