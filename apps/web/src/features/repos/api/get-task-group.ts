import { queryOptions, useQuery } from '@tanstack/react-query';
import { call, client } from '../../../lib/api-client.ts';
import type { Task, TaskGroup } from '../../../lib/api-types.ts';
import { repoKeys } from './keys.ts';

export function getTaskGroup(groupId: string, signal?: AbortSignal): Promise<TaskGroup> {
  return call(client.GET('/api/task-groups/{id}', { params: { path: { id: groupId } }, signal }));
}

export async function listTasks(groupId: string, signal?: AbortSignal): Promise<Task[]> {
  const { tasks } = await call(
    client.GET('/api/task-groups/{id}/tasks', { params: { path: { id: groupId } }, signal }),
  );
  return tasks;
}

export const taskGroupQueryOptions = (repoId: string, groupId: string) =>
  queryOptions({
    queryKey: repoKeys.taskGroup(repoId, groupId),
    queryFn: ({ signal }) => getTaskGroup(groupId, signal),
  });

export const tasksQueryOptions = (repoId: string, groupId: string) =>
  queryOptions({
    queryKey: repoKeys.tasks(repoId, groupId),
    queryFn: ({ signal }) => listTasks(groupId, signal),
  });

export function useTaskGroup(repoId: string, groupId: string) {
  return useQuery(taskGroupQueryOptions(repoId, groupId));
}

export function useTasks(repoId: string, groupId: string) {
  return useQuery(tasksQueryOptions(repoId, groupId));
}
