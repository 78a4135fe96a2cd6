import type { Clock } from '../../platform/clock.ts';
import type { OutboundGuard } from '../../platform/net/outbound-guard.ts';
import { OutboundAddressRefused } from '../../platform/net/outbound-guard.ts';
import type { ChannelSender, SendResult } from './delivery-worker.ts';
import { noticeLink } from './notice-links.ts';
import type { NoticeEventRow } from './notices.repository.ts';
import { webhookHeaders } from './standard-webhooks.ts';

/** The JSON body of a webhook delivery (Standard Webhooks: type, timestamp, data). */
export function webhookPayload(event: NoticeEventRow, publicUrl: URL) {
  return {
    type: event.kind,
    timestamp: event.created_at.toISOString(),
    data: {
      notice_id: event.id,
      subject_type: event.subject_type,
      subject_id: event.subject_id,
      link: noticeLink(publicUrl, event),
      ...event.data,
    },
  };
}

/** Retry on network failures, timeouts, 408, 429 and 5xx; any other answer is final. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Sends a notice to one endpoint: signed per Standard Webhooks, through the outbound guard (no
 * private addresses unless WEBHOOK_ALLOWED_PRIVATE_HOSTS allows them), no redirects followed,
 * a timeout, and only the status code kept (the body is not read into the log).
 */
export function createWebhookSender(deps: {
  outbound: Pick<OutboundGuard, 'fetch'>;
  clock: Clock;
  publicUrl: URL;
  timeoutMs: number;
  /** The endpoint's URL and decrypted secret, or undefined when it was deleted or disabled. */
  loadEndpoint(endpointId: string): Promise<{ url: string; secret: string } | undefined>;
}): ChannelSender {
  return {
    async send({ delivery, event }): Promise<SendResult> {
      if (!delivery.endpoint_id) return { ok: false, error: 'no endpoint', retry: false };
      const endpoint = await deps.loadEndpoint(delivery.endpoint_id);
      if (!endpoint) return { ok: false, error: 'the endpoint was deleted or disabled', retry: false };
      const body = JSON.stringify(webhookPayload(event, deps.publicUrl));
      const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
      try {
        const response = await deps.outbound.fetch(endpoint.url, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Tessera-Webhooks/1',
            ...webhookHeaders(endpoint.secret, event.id, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(deps.timeoutMs),
        });
        await response.body?.cancel().catch(() => {});
        if (response.status >= 200 && response.status < 300) return { ok: true, statusCode: response.status };
        return {
          ok: false,
          statusCode: response.status,
          error: `HTTP ${response.status}`,
          retry: isRetryableStatus(response.status),
        };
      } catch (error) {
        const cause =
          error instanceof Error && error.cause instanceof OutboundAddressRefused ? error.cause : null;
        if (cause) {
          return {
            ok: false,
            error: `refused: the endpoint resolves to a ${cause.range} address (WEBHOOK_ALLOWED_PRIVATE_HOSTS)`,
            retry: false,
          };
        }
        const message =
          error instanceof Error && error.name === 'TimeoutError'
            ? `no answer within ${deps.timeoutMs} ms`
            : `could not connect: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`;
        return { ok: false, error: message, retry: true };
      }
    },
  };
}
