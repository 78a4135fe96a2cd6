import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { TaskGroup } from '../../../lib/api-types.ts';
import { repoKeys } from './keys.ts';

export async function listTaskGroups(repoId: string, signal?: AbortSignal): Promise<TaskGroup[]> {
  const { task_groups } = await call(
    client.GET('/api/task-groups', { params: { query: { repo_id: repoId } }, signal }),
  );
  return task_groups;
}

export const taskGroupsQueryOptions = (repoId: string) =>
  queryOptions({
    queryKey: repoKeys.taskGroups(repoId),
    queryFn: ({ signal }) => listTaskGroups(repoId, signal),
  });

export function useTaskGroups(repoId: string) {
  return useQuery(taskGroupsQueryOptions(repoId));
}
