import { existsSync } from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { API_DOCUMENT } from './api-document.ts';
import type { Config } from './config.ts';
import { registerAccounts } from './modules/accounts/index.ts';
import { registerPasswordMetrics } from './modules/accounts/password.ts';
import { registerAgents } from './modules/agents/index.ts';
import { createAuditRepository } from './modules/audit/audit.repository.ts';
import { createAuditService } from './modules/audit/audit.service.ts';
import { registerAudit } from './modules/audit/index.ts';
import { authenticateRequests } from './modules/credentials/authenticate-request.ts';
import { registerCredentialMetrics } from './modules/credentials/credentials.metrics.ts';
import { createCredentialRepository } from './modules/credentials/credentials.repository.ts';
import { createCredentialService } from './modules/credentials/credentials.service.ts';
import { describeRouteAccess, SECURITY_SCHEMES } from './modules/credentials/openapi-access.ts';
import { TOKEN_IN_TEXT } from './modules/credentials/token-format.ts';
import { frameworkRoutes } from './modules/frameworks/frameworks.routes.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { enqueueNotice, registerNotices } from './modules/notices/index.ts';
import { registerOAuth } from './modules/oauth/index.ts';
import { registerProviderAccounts } from './modules/provider-accounts/index.ts';
import { registerProviderMetrics } from './modules/provider-accounts/providers/provider-http.ts';
import { registerRepos } from './modules/repos/index.ts';
import { createRepoRepository } from './modules/repos/repos.repository.ts';
import { createRepoDirectory } from './modules/repos/repos.service.ts';
import { registerSecretScanning } from './modules/secret-scanning/index.ts';
import { registerSessions } from './modules/sessions/index.ts';
import { registerTokens } from './modules/tokens/index.ts';
import { registerRegistryUsers } from './modules/users/index.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import {
  counterRateLimitStore,
  createMemoryCounterStore,
  createRedisCounterStore,
} from './platform/counter-store.ts';
import { createCursorCodec, deriveCursorKeys } from './platform/cursor-codec.ts';
import type { Database } from './platform/database/database.ts';
import { AppError } from './platform/errors.ts';
import { acceptsHtml } from './platform/http/accepts-html.ts';
import { AccessLogController } from './platform/http/access-log.ts';
import { installBodyParsers } from './platform/http/body-parsers.ts';
import { errorHandling, isApiPath, sendProblem, toAppError } from './platform/http/error-handler.ts';
import { gracefulShutdown } from './platform/http/graceful-shutdown.ts';
import { type LogDestination, loggerOptions } from './platform/http/logger.ts';
import { openApi } from './platform/http/openapi.ts';
import { type App, Problem } from './platform/http/schemas.ts';
import { securityHeaders } from './platform/http/security-headers.ts';
import { installValidators } from './platform/http/validation.ts';
import { createLogWindow } from './platform/log-window.ts';
import { createMetrics, metricsEndpoint } from './platform/metrics/metrics.ts';
import { awaitFirstConnection, createRedisClient } from './platform/redis.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The credential verifier: its cache and last-used buffer, for operators and tests. */
    credentials: ReturnType<typeof createCredentialService>;
  }
}

export interface BuildAppOptions {
  config: Config;
  database: Database;
  clock?: Clock;
  /** Pino options or false; defaults to the configured level with redaction. */
  logger?: FastifyServerOptions['logger'];
  /** Whether closing the app also closes the database (true for the server, false in tests that share one). */
  ownsDatabase?: boolean;
}

/** The logger of the app: pino with redaction, and every token-shaped string scrubbed from each line. */
export function appLoggerOptions(level: string, destination?: LogDestination) {
  return loggerOptions(level, { secretPatterns: [TOKEN_IN_TEXT], ...(destination ? { destination } : {}) });
}

export async function buildApp(options: BuildAppOptions): Promise<App> {
  const { config, database } = options;
  const clock = options.clock ?? systemClock;
  const app = Fastify({
    logger: options.logger ?? appLoggerOptions(config.logLevel),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    // One access-log line per request instead of Fastify's two (ADR 0021), naming the credential used.
    logController: new AccessLogController({ principal: (request) => request.identity?.credentialId }),
    genReqId: () => crypto.randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
    // A URL the router cannot take apart (bad percent-encoding, an over-long parameter) is refused
    // before any route or error handler runs: answer it as problem+json like every other error.
    frameworkErrors: (error, request, reply) => sendProblem(reply, toAppError(error), request),
    // While closing, the graceful-shutdown plugin answers (problem+json with Retry-After), not Fastify.
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const redis = config.redisUrl ? createRedisClient(config.redisUrl) : undefined;
  if (redis) await awaitFirstConnection(redis);
  const logOncePerWindow = createLogWindow();
  const backgroundError = (source: string, message: string) => (error: unknown) =>
    logOncePerWindow(source, (suppressed) =>
      app.log.error({ err: error, source, ...(suppressed ? { suppressed } : {}) }, message),
    );
  let redisDown = false;
  const redisError = backgroundError(
    'redis',
    'redis unreachable: sign-in and rate-limited routes answer 503',
  );
  redis?.on('error', (error) => {
    redisDown = true;
    redisError(error);
  });
  redis?.on('ready', () => {
    if (redisDown) app.log.warn('redis connection restored: rate limits shared again');
    redisDown = false;
  });
  database.onBackgroundError(backgroundError('store-pool', 'store connection failed in the background'));
  const counters = redis ? createRedisCounterStore(redis) : createMemoryCounterStore();

  // --- Platform: security headers, cookies, limits, errors, body parsers -------------------
  await app.register(gracefulShutdown);
  await app.register(securityHeaders, { https: config.publicUrl.protocol === 'https:' });
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    // With Redis, limits count in the shared counters; their failures are 503s (createRedisCounterStore).
    ...(redis ? { store: counterRateLimitStore(counters) } : {}),
    // Fail closed: if the shared store is down, sign-in is refused (503) rather than unthrottled.
    skipOnError: false,
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s.`, {
        headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
      }),
  });
  installBodyParsers(app);
  const webIndex = path.join(config.webDistDir, 'index.html');
  const serveWeb = existsSync(webIndex);
  await app.register(errorHandling, {
    // The web UI is a single-page app: a browser navigating to an unknown non-API path gets its
    // index.html. Anything else (curl, an API client with a base URL missing /api) gets a 404
    // that says where the API is, never a 200 web page that looks like success (docs/api.md §5).
    spaFallback: serveWeb
      ? (request, reply) => {
          if (request.method !== 'GET' && request.method !== 'HEAD') return false;
          if (isApiPath(request.url) || !acceptsHtml(request.headers.accept)) return false;
          reply.type('text/html; charset=utf-8').sendFile('index.html');
          return true;
        }
      : undefined,
  });
  app.addSchema(Problem);
  installValidators(app);

  // --- Credentials: the verification hot path used by every protected route ----------------
  const audit = createAuditService({ audit: createAuditRepository(database.db), clock });
  const credentials = createCredentialService({
    credentials: createCredentialRepository(database.db, database.prepare),
    database,
    config,
    audit,
    onExpiredUse: (credential) =>
      void audit
        .record(undefined, null, {
          userId: credential.userId,
          action: 'token.expired_used',
          targetType: credential.kind === 'automation' ? 'automation_token' : 'personal_access_token',
          targetId: credential.id,
          outcome: 'failure',
        })
        .then(() =>
          // One notice per token and day, however often the expired token is tried.
          enqueueNotice(database.db, {
            userId: credential.userId,
            kind: 'token.expired_used',
            subject: {
              type: credential.kind === 'automation' ? 'automation_token' : 'personal_access_token',
              id: credential.id,
            },
            dedupeKey: `expired_used:${credential.id}:${clock.now().toISOString().slice(0, 10)}`,
          }),
        )
        .catch((error) => app.log.error({ err: error }, 'audit or notice write failed')),
    // First use of a PAT from a new network: in the owner's audit log, in the flush's transaction.
    onNewNetworks: async (tx, events) => {
      for (const event of events) {
        await audit.record(
          tx,
          {
            ip: event.ip ?? '',
            userAgent: null,
            requestId: '',
            actorCredentialId: event.credentialId,
            actorKind: 'personal',
          },
          {
            userId: event.userId,
            action: 'token.new_network',
            targetType: 'personal_access_token',
            targetId: event.credentialId,
            metadata: { network: event.network, ip: event.ip, first_seen_at: event.at.toISOString() },
          },
        );
        await enqueueNotice(tx, {
          userId: event.userId,
          kind: 'token.new_network',
          subject: { type: 'personal_access_token', id: event.credentialId },
          data: { network: event.network, ip: event.ip, first_seen_at: event.at.toISOString() },
        });
      }
    },
    onNetworkRefused: (credential, ip) =>
      void audit
        .record(
          undefined,
          {
            ip: ip ?? '',
            userAgent: null,
            requestId: '',
            actorCredentialId: credential.id,
            actorKind: credential.kind,
          },
          {
            userId: credential.userId,
            action: 'token.network_refused',
            targetType: 'personal_access_token',
            targetId: credential.id,
            outcome: 'failure',
            metadata: { ip, allowed_cidrs: credential.network?.cidrs ?? [] },
          },
        )
        .catch((error) => app.log.error({ err: error }, 'audit write failed')),
    clock,
    onBackgroundError: backgroundError(
      'credentials',
      'credential background work failed (last-use flush, purge or revocation feed)',
    ),
    onUnacknowledged: (event) =>
      logOncePerWindow('revocation-ack', (suppressed) =>
        app.log.warn(
          {
            missing: event.missing,
            waitedMs: Math.round(event.waitedMs),
            ...(event.cause ? { err: event.cause } : {}),
            ...(suppressed ? { suppressed } : {}),
          },
          'revocation answered without every instance acknowledging it (ADR 0039): a peer is gone or cut off',
        ),
      ),
    onInvalidationFeed: (event) => {
      if (event.state === 'lost') {
        app.log.warn(
          { err: event.cause },
          'revocation feed lost: cached verifications are not trusted until it is back',
        );
      } else {
        app.log.warn(
          { gapMs: event.gapMs },
          'revocation feed restored after a gap: verification cache flushed',
        );
      }
    },
  });
  await credentials.start();
  app.decorate('credentials', credentials);
  await app.register(authenticateRequests, { credentials, publicOrigin: config.publicUrl.origin });
  if (config.metricsToken) {
    const metrics = createMetrics();
    registerCredentialMetrics(metrics, credentials);
    registerPasswordMetrics(metrics);
    registerProviderMetrics(metrics);
    await app.register(metricsEndpoint, { metrics, token: config.metricsToken });
  }
  // Before the features: it derives each route's OpenAPI security from config.auth as routes are added.
  await app.register(openApi, {
    ...API_DOCUMENT,
    securitySchemes: SECURITY_SCHEMES,
    describeAccess: describeRouteAccess,
  });

  // --- Features ---------------------------------------------------------------------------
  // The verifier above holds a LISTEN connection and a flush timer: if a feature fails to
  // register, stop them so a failed start does not leave the process hanging.
  try {
    await registerFeatures();
  } catch (error) {
    await credentials.stop().catch(() => {});
    redis?.disconnect();
    throw error;
  }

  app.addHook('onClose', async () => {
    await credentials.stop();
    redis?.disconnect();
    if (options.ownsDatabase) await database.close();
  });

  return app;

  async function registerFeatures(): Promise<void> {
    // Cursor MACs are keyed from the encryption key ring, so every instance accepts every other's cursors.
    const cursors = createCursorCodec(deriveCursorKeys(config.encryptionKeys.map((entry) => entry.key)));
    const deps = { app, config, database, db: database.db, clock, credentials, counters, cursors };
    await app.register(healthRoutes, {
      database,
      notificationsConnected: () => credentials.invalidationFeedConnected(),
    });
    await app.register(frameworkRoutes);
    await registerAudit({ ...deps, audit });
    await registerNotices({
      ...deps,
      audit,
      onBackgroundError: backgroundError('notices', 'notice delivery or expiry scan failed'),
    });
    const { accountService } = await registerAccounts({ ...deps, audit });
    const { openGrants } = await registerOAuth({ ...deps, audit, accountService });
    await registerSessions({ ...deps, audit, accountService, openGrants });
    // A PAT's repository list must name the owner's repositories: asked of the repos module.
    const repoDirectory = createRepoDirectory(createRepoRepository(database.db));
    const { tokenService } = await registerTokens({ ...deps, audit, repoDirectory });
    await registerRegistryUsers({ ...deps, accountService, tokenService });
    await registerSecretScanning({ ...deps, audit });
    const { agentService } = await registerAgents({ ...deps, audit });
    accountService.onAccountDeletion((tx, userId) => agentService.removeFilesOfOwnerAfterCommit(tx, userId));
    const { providerAccountService } = await registerProviderAccounts({
      ...deps,
      audit,
      onBackgroundError: backgroundError('provider-recheck', 'daily provider token check failed'),
    });
    await registerRepos({ ...deps, audit, providerAccountService, agentService });

    if (serveWeb) {
      await app.register(fastifyStatic, { root: config.webDistDir, wildcard: false, index: ['index.html'] });
    }
  }
}
