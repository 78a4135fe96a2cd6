import type { AppDeps } from '../../app.ts';
import { createDeliveryWorker } from './delivery-worker.ts';
import { createNoticeRepository } from './notices.repository.ts';
import { noticeRoutes } from './notices.routes.ts';
import { createNoticeService } from './notices.service.ts';

export type { NoticeKind } from './notice-kinds.ts';
export { enqueueNotice, type NoticeInput } from './notices.outbox.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** This instance's notices delivery worker: for operators and tests (runOnce). */
    noticeWorker: ReturnType<typeof createDeliveryWorker>;
  }
}

/** Lifecycle notices (issue #15): the in-app list, settings, and the delivery worker. */
export async function registerNotices(deps: AppDeps & { onBackgroundError: (error: unknown) => void }) {
  const { app, db, clock, config, cursors } = deps;
  const notices = createNoticeRepository(db);
  const noticeService = createNoticeService({ notices, clock, config });
  const worker = createDeliveryWorker({
    db,
    notices,
    clock,
    settings: {
      channels: config.notices.channels,
      leaseMs: config.notices.leaseMs,
      pollMs: config.notices.pollMs,
      retryBaseMs: config.notices.retryBaseMs,
      retryWindowMs: config.notices.retryWindowMs,
      batchSize: 20,
    },
    senders: {},
    onError: deps.onBackgroundError,
  });
  app.decorate('noticeWorker', worker);
  await app.register(noticeRoutes, { noticeService, cursors });
  if (config.notices.worker) {
    app.addHook('onReady', async () => worker.start());
  }
  app.addHook('onClose', async () => worker.stop());
  return { noticeService, worker };
}
