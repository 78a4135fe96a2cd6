import cookie from '@fastify/cookie';
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
import { credentialUseEvents } from './modules/credentials/credential-events.ts';
import { registerCredentialMetrics } from './modules/credentials/credentials.metrics.ts';
import { createCredentialRepository } from './modules/credentials/credentials.repository.ts';
import { createCredentialService } from './modules/credentials/credentials.service.ts';
import { describeRouteAccess, SECURITY_SCHEMES } from './modules/credentials/openapi-access.ts';
import { TOKEN_IN_TEXT, TOKEN_MARK } from './modules/credentials/token-format.ts';
import { verifierLogEvents } from './modules/credentials/verifier-log.ts';
import { frameworkRoutes } from './modules/frameworks/frameworks.routes.ts';
import { healthRoutes } from './modules/health/health.routes.ts';
import { registerNotices } from './modules/notices/index.ts';
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
import { openCounters } from './platform/counter-store.ts';
import { createCursorCodec, deriveCursorKeys } from './platform/cursor-codec.ts';
import type { Database } from './platform/database/database.ts';
import { AccessLogController } from './platform/http/access-log.ts';
import { bodyParsers } from './platform/http/body-parsers.ts';
import { errorHandling, sendProblem, toAppError } from './platform/http/error-handler.ts';
import { gracefulShutdown } from './platform/http/graceful-shutdown.ts';
import { type LogDestination, loggerOptions } from './platform/http/logger.ts';
import { openApi } from './platform/http/openapi.ts';
import { rateLimits } from './platform/http/rate-limits.ts';
import { createRefusalLog } from './platform/http/refusal-log.ts';
import type { App } from './platform/http/schemas.ts';
import { securityHeaders } from './platform/http/security-headers.ts';
import { validators } from './platform/http/validation.ts';
import { hasWebApp, webApp, webAppFallback } from './platform/http/web-app.ts';
import { createLogWindow } from './platform/log-window.ts';
import { createMetrics, metricsEndpoint } from './platform/metrics/metrics.ts';

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
  return loggerOptions(level, {
    secretPatterns: [{ pattern: TOKEN_IN_TEXT, marker: TOKEN_MARK }],
    ...(destination ? { destination } : {}),
  });
}

export async function buildApp(options: BuildAppOptions): Promise<App> {
  const { config, database } = options;
  const clock = options.clock ?? systemClock;
  const refusals = config.logRefusals === 'summary' ? createRefusalLog() : undefined;
  const app = Fastify({
    logger: options.logger ?? appLoggerOptions(config.logLevel),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    // One access-log line per request instead of Fastify's two (ADR 0021), naming the credential used.
    logController: new AccessLogController({
      principal: (request) => request.identity?.credentialId,
      refusal: (request) => request.refusedWith ?? undefined,
      refusals,
    }),
    genReqId: () => crypto.randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
    // A URL the router cannot take apart (bad percent-encoding, an over-long parameter) is refused
    // before any route or error handler runs: answer it as problem+json like every other error.
    frameworkErrors: (error, request, reply) => sendProblem(reply, toAppError(error), request),
    // While closing, the graceful-shutdown plugin answers (problem+json with Retry-After), not Fastify.
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>();

  refusals?.start((summary) => app.log.info(summary, 'requests refused'));
  const logOncePerWindow = createLogWindow();
  const backgroundError = (source: string, message: string) => (error: unknown) =>
    logOncePerWindow(source, (suppressed) =>
      app.log.error({ err: error, source, ...(suppressed ? { suppressed } : {}) }, message),
    );
  const counters = await openCounters(config.redisUrl, {
    onDown: backgroundError('redis', 'redis unreachable: sign-in and rate-limited routes answer 503'),
    onRestored: () => app.log.warn('redis connection restored: rate limits shared again'),
  });
  database.onBackgroundError(backgroundError('store-pool', 'store connection failed in the background'));
  const serveWeb = hasWebApp(config.webDistDir);

  // --- Platform: shutdown, security headers, cookies, limits, body parsers, errors, validation ---
  await app.register(gracefulShutdown);
  await app.register(securityHeaders, { https: config.publicUrl.protocol === 'https:' });
  await app.register(cookie);
  await app.register(rateLimits, { shared: counters.shared ? counters.store : undefined });
  await app.register(bodyParsers);
  await app.register(errorHandling, { spaFallback: serveWeb ? webAppFallback : undefined });
  await app.register(validators);

  // --- Credentials: the verification hot path used by every protected route ----------------
  const audit = createAuditService({ audit: createAuditRepository(database.db), clock });
  const credentials = createCredentialService({
    credentials: createCredentialRepository(database.db, database.prepare),
    database,
    config,
    audit,
    ...credentialUseEvents({ db: database.db, audit, clock, log: app.log }),
    clock,
    onBackgroundError: backgroundError(
      'credentials',
      'credential background work failed (last-use flush, purge or revocation feed)',
    ),
    ...verifierLogEvents(app.log, logOncePerWindow),
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
    await credentials
      .stop()
      .catch((stopError: unknown) =>
        app.log.error({ err: stopError }, 'stopping the credential verifier after a failed start failed'),
      );
    counters.close();
    throw error;
  }

  app.addHook('onClose', async () => {
    await credentials.stop();
    counters.close();
    refusals?.stop();
    if (options.ownsDatabase) await database.close();
  });

  return app;

  async function registerFeatures(): Promise<void> {
    // Cursor MACs are keyed from the encryption key ring, so every instance accepts every other's cursors.
    const cursors = createCursorCodec(deriveCursorKeys(config.encryptionKeys.map((entry) => entry.key)));
    const deps = {
      app,
      config,
      database,
      db: database.db,
      clock,
      credentials,
      counters: counters.store,
      cursors,
    };
    await app.register(healthRoutes, {
      database,
      notificationsConnected: () => credentials.invalidationFeedConnected(),
    });
    await app.register(frameworkRoutes);
    await registerAudit({ ...deps, audit });
    const { providerAccountService } = await registerProviderAccounts({
      ...deps,
      audit,
      onBackgroundError: backgroundError('provider-recheck', 'daily provider token check failed'),
    });
    await registerNotices({
      ...deps,
      audit,
      providerAccountService,
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
    await registerRepos({ ...deps, audit, providerAccountService, agentService });

    if (serveWeb) await app.register(webApp, { root: config.webDistDir });
  }
}
