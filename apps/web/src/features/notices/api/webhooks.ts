import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { RequestBody } from '@tessera/client';
import { call, client } from '../../../lib/api-client.ts';
import { noticeKeys } from './keys.ts';

export type CreateWebhookBody = RequestBody<'/api/account/webhooks', 'post'>;
export type UpdateWebhookBody = RequestBody<'/api/account/webhooks/{id}', 'patch'>;

export function useWebhookEndpoints() {
  return useQuery({
    queryKey: noticeKeys.webhooks(),
    queryFn: async ({ signal }) => (await call(client.GET('/api/account/webhooks', { signal }))).endpoints,
  });
}

export function useWebhookDeliveries(endpointId: string | null) {
  return useQuery({
    queryKey: noticeKeys.deliveries(endpointId ?? ''),
    enabled: endpointId !== null,
    queryFn: async ({ signal }) =>
      (
        await call(
          client.GET('/api/account/webhooks/{id}/deliveries', {
            params: { path: { id: endpointId! }, query: { limit: 50 } },
            signal,
          }),
        )
      ).deliveries,
  });
}

function useInvalidateWebhooks() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: noticeKeys.webhooks() });
}

export function useCreateWebhook() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({
    mutationFn: (body: CreateWebhookBody) => call(client.POST('/api/account/webhooks', { body })),
    onSuccess: invalidate,
  });
}

export function useUpdateWebhook() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({
    mutationFn: (input: { id: string; body: UpdateWebhookBody }) =>
      call(
        client.PATCH('/api/account/webhooks/{id}', { params: { path: { id: input.id } }, body: input.body }),
      ),
    onSuccess: invalidate,
  });
}

export function useDeleteWebhook() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({
    mutationFn: (id: string) =>
      call(client.DELETE('/api/account/webhooks/{id}', { params: { path: { id } } })),
    onSuccess: invalidate,
  });
}

export function useRotateWebhookSecret() {
  const invalidate = useInvalidateWebhooks();
  return useMutation({
    mutationFn: (id: string) =>
      call(client.POST('/api/account/webhooks/{id}/rotate-secret', { params: { path: { id } } })),
    onSuccess: invalidate,
  });
}

export function useSendWebhookTest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      call(client.POST('/api/account/webhooks/{id}/test', { params: { path: { id } } })),
    onSuccess: (_delivery, id) => queryClient.invalidateQueries({ queryKey: noticeKeys.deliveries(id) }),
  });
}
