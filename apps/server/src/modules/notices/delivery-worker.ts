import { randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.ts';
import { addMs } from '../../platform/clock.ts';
import type { Db } from '../../platform/database/database.ts';
import type { NoticeChannel } from '../../schema.ts';
import { isNoticeKind, type NoticeKind } from './notice-kinds.ts';
import { noticeSignals } from './notices.outbox.ts';
import type {
  ChannelChoice,
  NoticeDeliveryRow,
  NoticeEventRow,
  NoticeRepository,
} from './notices.repository.ts';

/** What a channel answers for one attempt. `retry: false` gives up at once (e.g. a 4xx that will not change). */
export type SendResult =
  | { ok: true; statusCode?: number }
  | { ok: false; statusCode?: number; error: string; retry?: boolean };

export interface ChannelSender {
  send(message: { delivery: NoticeDeliveryRow; event: NoticeEventRow }): Promise<SendResult>;
}

export interface DeliverySettings {
  /** Channels the operator allows (NOTIFY_CHANNELS); e-mail also needs SMTP_URL. */
  channels: { inApp: boolean; email: boolean; webhook: boolean };
  /** How long a claimed delivery is reserved for the worker that claimed it. */
  leaseMs: number;
  pollMs: number;
  /** First retry delay; doubles per attempt. */
  retryBaseMs: number;
  /** Attempts stop once this long has passed since the delivery was created (24 h). */
  retryWindowMs: number;
  batchSize: number;
}

/** Defaults per kind when the user has not chosen: every channel. */
export const DEFAULT_CHOICE: ChannelChoice = { in_app: true, email: true, webhook: true };

/**
 * The delay before attempt `attempts + 1`: base·2^(attempts−1), ±10 % jitter so that endpoints
 * failing together do not retry in lockstep, never more than 6 h between two attempts.
 */
export function retryDelayMs(attempts: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = baseMs * 2 ** Math.max(0, Math.min(attempts - 1, 30));
  const capped = Math.min(exponential, 6 * 60 * 60 * 1000);
  return Math.round(capped * (0.9 + random() * 0.2));
}

/**
 * The notices delivery worker (ADR 0033). Every instance runs one. Each round:
 * 1. fan-out: events not yet fanned out are locked (FOR UPDATE SKIP LOCKED), turned into one
 *    delivery per channel the user and operator allow (e-mail; each matching webhook endpoint),
 *    and marked fanned out, in one transaction — so a crash leaves either all or none;
 * 2. delivery: due deliveries are claimed with a lease (SKIP LOCKED again), sent outside any
 *    transaction, and completed only while the lease is still ours. A worker that dies between
 *    claim and completion leaves a lease that runs out; another worker takes the delivery over.
 *    Delivery is therefore at least once; receivers de-duplicate on the event id (webhook-id,
 *    the e-mail Message-ID carries the delivery id).
 */
export function createDeliveryWorker(deps: {
  db: Db;
  notices: NoticeRepository;
  clock: Clock;
  settings: DeliverySettings;
  senders: Partial<Record<NoticeChannel, ChannelSender>>;
  onError?: (error: unknown) => void;
  /** This worker's lease owner name; unique per process by default. */
  workerId?: string;
}) {
  const { db, notices, clock, settings, senders } = deps;
  const workerId = deps.workerId ?? `w_${randomBytes(6).toString('hex')}`;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;
  let wakeRequested = false;
  /** Set by an enqueue in this process: the next round has work without asking the store. */
  let signalled = false;

  async function fanOut(): Promise<number> {
    return db.transaction().execute(async (tx) => {
      const events = await notices.lockEventsToFanOut(tx, settings.batchSize);
      if (events.length === 0) return 0;
      const userIds = [...new Set(events.map((event) => event.user_id))];
      const [endpoints, preferences] = await Promise.all([
        notices.listEnabledEndpointsForUsers(tx, userIds),
        notices.listPreferencesForUsers(tx, userIds),
      ]);
      const now = clock.now();
      const rows: Array<{
        eventId: string;
        userId: string;
        channel: NoticeChannel;
        endpointId: string | null;
      }> = [];
      for (const event of events) {
        // The test event carries its own delivery; unknown kinds (a newer build's) wait for it.
        if (event.kind === 'webhook.test' || !isNoticeKind(event.kind)) continue;
        const choice =
          preferences.find((row) => row.user_id === event.user_id && row.kind === event.kind) ??
          DEFAULT_CHOICE;
        if (settings.channels.email && senders.email && choice.email) {
          rows.push({ eventId: event.id, userId: event.user_id, channel: 'email', endpointId: null });
        }
        if (settings.channels.webhook && senders.webhook && choice.webhook) {
          for (const endpoint of endpoints) {
            if (endpoint.user_id !== event.user_id) continue;
            if (endpoint.kinds.length > 0 && !endpoint.kinds.includes(event.kind as NoticeKind)) continue;
            rows.push({
              eventId: event.id,
              userId: event.user_id,
              channel: 'webhook',
              endpointId: endpoint.id,
            });
          }
        }
      }
      await notices.insertDeliveries(tx, rows, now);
      const done = events.filter((event) => event.kind !== 'webhook.test' && isNoticeKind(event.kind));
      await notices.markFannedOut(
        tx,
        done.map((event) => event.id),
        now,
      );
      return events.length;
    });
  }

  /** One attempt at a delivery this worker holds the lease of. */
  async function attempt(delivery: NoticeDeliveryRow): Promise<SendResult> {
    const started = performance.now();
    const sender = senders[delivery.channel];
    const event = await notices.findEvent(delivery.event_id);
    let result: SendResult;
    if (!event) {
      result = { ok: false, error: 'the notice no longer exists', retry: false };
    } else if (!sender) {
      result = { ok: false, error: `the ${delivery.channel} channel is turned off`, retry: true };
    } else {
      try {
        result = await sender.send({ delivery, event });
      } catch (error) {
        result = { ok: false, error: error instanceof Error ? error.message : String(error), retry: true };
      }
    }
    const now = clock.now();
    const statusCode = result.statusCode ?? null;
    const error = result.ok ? null : result.error.slice(0, 500);
    let status: 'pending' | 'delivered' | 'failed' = 'delivered';
    let nextAttemptAt: Date | undefined;
    if (!result.ok) {
      nextAttemptAt = addMs(now, retryDelayMs(delivery.attempts, settings.retryBaseMs));
      const windowEnds = addMs(delivery.created_at, settings.retryWindowMs);
      status = result.retry === false || nextAttemptAt > windowEnds ? 'failed' : 'pending';
    }
    const completed = await notices.completeDelivery(delivery.id, workerId, {
      status,
      nextAttemptAt,
      statusCode,
      error,
      at: now,
    });
    // Logged even when the lease was lost: the receiver did get this request.
    await notices.insertAttempt({
      delivery_id: delivery.id,
      attempt: delivery.attempts,
      attempted_at: now,
      status_code: statusCode,
      error: error ?? (completed ? null : 'lease expired before the result was recorded'),
      duration_ms: Math.round(performance.now() - started),
    });
    return result;
  }

  async function deliverDue(): Promise<number> {
    const now = clock.now();
    const claimed = await notices.claimDueDeliveries(
      workerId,
      now,
      addMs(now, settings.leaseMs),
      settings.batchSize,
    );
    await Promise.all(claimed.map((delivery) => attempt(delivery)));
    return claimed.length;
  }

  async function runOnce(): Promise<{ fannedOut: number; attempted: number }> {
    const fannedOut = await fanOut();
    const attempted = await deliverDue();
    return { fannedOut, attempted };
  }

  function schedule(delayMs: number) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delayMs);
    timer.unref();
  }

  function tick() {
    if (stopped) return;
    if (running) {
      wakeRequested = true;
      return;
    }
    wakeRequested = false;
    const knownWork = signalled;
    signalled = false;
    running = (async () => {
      let busy = false;
      try {
        // A timer round first asks whether anything is due: the idle poll stays read-only.
        if (knownWork || (await notices.hasDueWork(clock.now()))) {
          const { fannedOut, attempted } = await runOnce();
          busy = fannedOut >= settings.batchSize || attempted >= settings.batchSize;
        }
      } catch (error) {
        deps.onError?.(error);
      } finally {
        running = undefined;
      }
      schedule(busy || wakeRequested ? 0 : settings.pollMs);
    })();
  }

  const onEnqueued = () => {
    signalled = true;
    if (running) wakeRequested = true;
    else schedule(0);
  };

  return {
    workerId,
    runOnce,
    fanOut,
    deliverDue,
    /** Sends one delivery now if no worker holds it (the test-event button); null when taken. */
    async deliverNow(deliveryId: string): Promise<SendResult | null> {
      const claimed = await notices.claimDelivery(deliveryId, workerId, addMs(clock.now(), settings.leaseMs));
      return claimed ? attempt(claimed) : null;
    },
    start() {
      if (!stopped) return;
      stopped = false;
      noticeSignals.on('enqueued', onEnqueued);
      schedule(settings.pollMs);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      noticeSignals.off('enqueued', onEnqueued);
      await running;
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
