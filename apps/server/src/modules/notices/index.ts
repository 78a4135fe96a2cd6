import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import { createSecretCipher } from '../../platform/crypto/secret-cipher.ts';
import type { CursorCodec } from '../../platform/cursor-codec.ts';
import type { Db } from '../../platform/database/database.ts';
import type { App } from '../../platform/http/schemas.ts';
import { createOutboundGuard } from '../../platform/net/outbound-guard.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { CredentialService } from '../credentials/credentials.service.ts';
import type { ProviderAccountService } from '../provider-accounts/provider-accounts.service.ts';
import { type ChannelSender, createDeliveryWorker } from './delivery-worker.ts';
import { createEmailSender } from './email-sender.ts';
import { createExpiryScan } from './expiry-scan.ts';
import { createNoticeRepository } from './notices.repository.ts';
import { noticeRoutes } from './notices.routes.ts';
import { createNoticeService } from './notices.service.ts';
import { createWebhookSender } from './webhook-sender.ts';
import { createWebhookRepository } from './webhooks.repository.ts';
import { webhookRoutes } from './webhooks.routes.ts';
import { createWebhookService } from './webhooks.service.ts';

export type { NoticeKind } from './notice-kinds.ts';
export { enqueueNotice, type NoticeInput } from './notices.outbox.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** This instance's notices delivery worker: for operators and tests (runOnce). */
    noticeWorker: ReturnType<typeof createDeliveryWorker>;
    /** Runs the expiry scan once (every instance also runs it on a timer); returns notices created. */
    noticeScan: () => Promise<number>;
  }
}

/** Lifecycle notices (issue #15): in-app list, settings, webhooks, e-mail, the worker and the expiry scan. */
/** What the notices module is built from. */
export interface NoticesModuleDeps {
  app: App;
  db: Db;
  audit: AuditService;
  clock: Clock;
  config: Config;
  cursors: CursorCodec;
  onBackgroundError: (error: unknown) => void;
  /** The expiry scan asks the owners of the tokens it warns about. */
  credentials: Pick<CredentialService, 'listPersonalTokensExpiringBetween'>;
  providerAccountService: Pick<ProviderAccountService, 'listAccountsWithTokenExpiringBetween'>;
}

export async function registerNotices(deps: NoticesModuleDeps) {
  const { app, db, clock, config, cursors } = deps;
  const settings = config.notices;
  const notices = createNoticeRepository(db);
  const noticeService = createNoticeService({ notices, clock, config });
  const cipher = createSecretCipher(config.encryptionKeys);
  const webhooks = createWebhookRepository(db);
  // Webhook secrets are under the same keyring as provider tokens; `keys:rotate` moves both.
  const secretsByKey = await webhooks.countSecretsByKeyId();
  const unreadable = secretsByKey.filter((k) => !cipher.hasKey(k.key_id));
  if (unreadable.length > 0) {
    app.log.error(
      { keyIds: unreadable.map((k) => k.key_id), currentKeyId: cipher.currentKeyId },
      'some webhook secrets are encrypted under a key the ring no longer holds: their deliveries will fail; put the key back and run keys:rotate',
    );
  } else if (secretsByKey.some((k) => k.key_id !== cipher.currentKeyId)) {
    app.log.warn(
      { currentKeyId: cipher.currentKeyId },
      'some webhook secrets are still encrypted under an older key; run keys:rotate',
    );
  }

  // Webhook URLs are user-chosen: the same guard as provider calls (ADR 0016), with its own allow list.
  const outbound = createOutboundGuard({
    allow: settings.webhookAllowedPrivateHosts,
    connectTimeoutMs: settings.webhookTimeoutMs,
  });
  app.addHook('onClose', () => outbound.close());

  const senders: { email?: ChannelSender; webhook?: ChannelSender } = {};
  // The worker is created before the service that opens endpoint secrets; senders look it up late.
  let webhookService: ReturnType<typeof createWebhookService> | undefined;
  if (settings.channels.webhook) {
    senders.webhook = createWebhookSender({
      outbound,
      clock,
      publicUrl: config.publicUrl,
      timeoutMs: settings.webhookTimeoutMs,
      loadEndpoint: (id) => webhookService!.loadEndpointForDelivery(id),
    });
  }
  if (settings.channels.email && settings.smtpUrl) {
    const email = createEmailSender({
      smtpUrl: settings.smtpUrl,
      mailFrom: settings.mailFrom,
      publicUrl: config.publicUrl,
      timeoutMs: settings.webhookTimeoutMs,
      findRecipient: (userId) => notices.findRecipient(userId),
    });
    senders.email = email;
    app.addHook('onClose', async () => email.close());
  }

  const worker = createDeliveryWorker({
    db,
    notices,
    clock,
    settings: {
      channels: settings.channels,
      leaseMs: settings.leaseMs,
      pollMs: settings.pollMs,
      retryBaseMs: settings.retryBaseMs,
      retryWindowMs: settings.retryWindowMs,
      batchSize: 20,
    },
    senders,
    onError: deps.onBackgroundError,
  });
  webhookService = createWebhookService({ db, audit: deps.audit, webhooks, cipher, clock, worker });

  const runExpiryScan = createExpiryScan({
    db,
    clock,
    thresholdsDays: settings.expiryDays,
    credentials: deps.credentials,
    providerAccounts: deps.providerAccountService,
  });

  app.decorate('noticeWorker', worker);
  app.decorate('noticeScan', runExpiryScan);
  await app.register(noticeRoutes, { noticeService, cursors });
  await app.register(webhookRoutes, { webhookService, cursors });

  if (settings.worker) {
    let scanTimer: NodeJS.Timeout | undefined;
    let closed = false;
    const housekeeping = async () => {
      try {
        await runExpiryScan();
        await notices.deleteEventsOlderThan(
          new Date(clock.now().getTime() - settings.retentionDays * 86_400_000),
        );
      } catch (error) {
        deps.onBackgroundError(error);
      }
    };
    app.addHook('onReady', async () => {
      worker.start();
      // Shortly after start, then on the interval; idempotent across instances (ADR 0034).
      scanTimer = setTimeout(function tick() {
        void housekeeping().finally(() => {
          if (closed) return;
          scanTimer = setTimeout(tick, settings.scanIntervalMs);
          scanTimer.unref();
        });
      }, 5_000);
      scanTimer.unref();
    });
    app.addHook('onClose', async () => {
      closed = true;
      clearTimeout(scanTimer);
    });
  }
  app.addHook('onClose', async () => worker.stop());
  return { noticeService, worker };
}
