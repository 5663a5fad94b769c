import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { TConfig } from './config';
import type { TDatabase } from './db/client';
import { bootstrapDatabase } from './db/bootstrap';
import { bearerAuthenticator } from './http/auth';
import { registerHealthRoutes } from './http/health';
import { databaseRateLimiter, rateLimitCleanupJob } from './http/rateLimit';
import { TokenService } from './auth/tokens';
import { AnswerStore } from './scoring/answerStore';
import { retentionJob } from './scoring/retention';
import { rollupFoldJob } from './scoring/rollups';
// --- KPIs for analysts (issue 7): imports ---
import { KpiService } from './scoring/kpiQuery';
import { registerKpiRoutes } from './http/kpis';
import { registerDashboard } from './http/dashboard';
// --- end KPIs imports ---
// --- Survey conversation (issue 4): imports ---
import { SurveyBot } from './bots/surveyBot';
import { abandonSweepJob } from './bots/abandonSweep';
import { PrismaStorage } from './db/prismaStorage';
import { PrismaOrganisationDirectory } from './dialogs/organisationDirectory';
import { FollowUpGateway } from './followups/gateway';
import { CallbackService } from './followups/callbacks';
import { WebhookPublisher } from './webhooks/publisher';
// --- end survey conversation imports ---
// --- Channels (issue 5): imports ---
import { createBotEndpointAdapter } from './bots/adapter';
import { ConversationReferenceStore } from './bots/conversationReferences';
import { createDirectLine } from './bots/directLineChannel';
import { registerDirectLineRoutes } from './http/directLine';
import { registerBotEndpoint } from './http/messages';
import { registerWebChatPage } from './http/pages';
// --- end channels imports ---
// --- Follow-ups, call-backs and webhooks (issue 6): imports ---
import { ProactiveChannels } from './bots/adapter';
import type { TProactiveSender } from './followups/contract';
import { FollowUpService } from './followups/service';
import { parseQuietHours } from './followups/time';
import { FollowUpWorker } from './followups/worker';
import { registerCallbackRoutes } from './http/callbacks';
import { registerFollowUpRoutes } from './http/followUps';
import { registerStaffPage } from './http/staff';
import { registerWebhookRoutes } from './http/webhooks';
import { WebhookDeliveryWorker } from './webhooks/delivery';
import { WebhookService } from './webhooks/service';
// --- end follow-ups imports ---
import { createI18n } from './i18n/i18n';
import { loadSurveys } from './surveys/loader';
import { registerSurveys } from './surveys/registry';
import { createHttpServer } from './http/server';
import { startJobs, type TJob } from './jobs';
import type { TLogger } from './log';

export interface TApp {
  /** The base URL the server listens on (known after listen). */
  url: string;
  database: TDatabase;
  listen(port?: number, host?: string): Promise<string>;
  /** Every registered route (method and path), for tests that exercise them all. */
  routes(): { method: string; path: string }[];
  /** Stops taking requests, lets in-flight ones finish, stops the jobs and closes the database. */
  close(): Promise<void>;
}

/**
 * The composition root: the one place where configuration, database, repositories, bot, channels,
 * routes and background jobs are built and wired. `src/main.ts` and the tests both start the service through it.
 */
export async function createApp(config: TConfig, logger: TLogger): Promise<TApp> {
  const i18n = createI18n();
  // A broken survey file stops start-up before anything listens, with one line naming file, path and reason.
  const loadedSurveys = loadSurveys(undefined, { i18n });
  const database = await bootstrapDatabase(config, logger);
  const surveys = await registerSurveys(database.prisma, loadedSurveys);

  const { prisma } = database;
  const replicaId = randomUUID();
  const clock = () => new Date();
  const answers = new AnswerStore(prisma, clock);
  const tokens = new TokenService(prisma, config.HASH_SECRET, clock);
  const authenticate = bearerAuthenticator(tokens);
  const rateLimiter = databaseRateLimiter(prisma, clock);
  const jobs: TJob[] = [
    rollupFoldJob(prisma, replicaId),
    retentionJob(prisma, answers, config.RETENTION_DAYS, replicaId, clock),
    rateLimitCleanupJob(prisma, clock),
  ];

  // --- Survey conversation (issue 4): the SurveyBot every channel runs, and the abandon sweep ---
  // The follow-up side as the bot sees it (src/followups/contract.ts); the follow-up routes and workers may use
  // these same instances.
  const webhookPublisher = new WebhookPublisher(prisma, clock);
  const followUpGateway = new FollowUpGateway(prisma, { hashSecret: config.HASH_SECRET, linkTtlHours: config.LINK_TTL_HOURS, clock });
  const callbackRequests = new CallbackService(prisma, config.ENCRYPTION_KEY, webhookPublisher, clock);
  const surveyBot = new SurveyBot({
    storage: new PrismaStorage(prisma),
    i18n,
    catalog: surveys,
    answers,
    directory: new PrismaOrganisationDirectory(prisma),
    hashSecret: config.HASH_SECRET,
    logger: logger.child({ component: 'survey-bot' }),
    clock,
    abandonAfterHours: config.ABANDON_AFTER_HOURS,
    followUps: followUpGateway,
    callbacks: callbackRequests,
    events: webhookPublisher,
  });
  jobs.push(abandonSweepJob(prisma, answers, config.ABANDON_AFTER_HOURS, replicaId, clock));
  // --- end survey conversation ---

  const http = createHttpServer({ logger, maxBodyBytes: config.MAX_BODY_BYTES });
  registerHealthRoutes(http, prisma);
  // --- Channels (issue 5): the web chat page, the local Direct Line channel and /api/messages, all running the SurveyBot ---
  const conversationReferences = new ConversationReferenceStore(prisma, config.HASH_SECRET, config.ENCRYPTION_KEY, clock);
  const botEndpoint = createBotEndpointAdapter({
    config,
    logger: logger.child({ component: 'bot-endpoint' }),
    references: conversationReferences,
    onTurnError: surveyBot.handleTurnError,
  });
  const directLine = createDirectLine({
    prisma,
    bot: surveyBot,
    hashSecret: config.HASH_SECRET,
    ...(config.DIRECTLINE_SECRET ? { secret: config.DIRECTLINE_SECRET } : {}),
    publicUrl: config.PUBLIC_URL,
    logger: logger.child({ component: 'directline' }),
    replicaId,
    clock,
    onTurnError: surveyBot.handleTurnError,
  });
  jobs.push(directLine.pruneJob);
  registerBotEndpoint(http, { adapter: botEndpoint.adapter, bot: surveyBot, allowlist: botEndpoint.allowlist, loopbackOnly: !config.MicrosoftAppId });
  registerDirectLineRoutes(http, {
    channel: directLine.channel,
    rateLimiter,
    perAddressPerMinute: config.RATE_LIMIT_PER_MINUTE,
    perConversationPerMinute: config.RATE_LIMIT_TOKEN_PER_MINUTE,
  });
  registerWebChatPage(http, { i18n, embedOrigins: config.EMBED_ORIGINS });
  // --- end channels ---
  // --- Follow-ups, call-backs and webhooks (issue 6): staff and admin routes, the queue workers ---
  {
    const quietHours = parseQuietHours(config.QUIET_HOURS);
    const followUps = new FollowUpService(prisma, {
      hashSecret: config.HASH_SECRET,
      publicUrl: config.PUBLIC_URL,
      fatigueDays: config.FOLLOW_UP_FATIGUE_DAYS,
      quietHours,
      linkTtlHours: config.LINK_TTL_HOURS,
      clock,
    });
    const guardDeps = { authenticate, rateLimiter, limits: { perAddress: config.RATE_LIMIT_PER_MINUTE, perToken: config.RATE_LIMIT_TOKEN_PER_MINUTE } };
    registerFollowUpRoutes(http, { ...guardDeps, prisma, followUps });
    registerCallbackRoutes(http, { ...guardDeps, prisma, callbacks: callbackRequests, followUps });
    registerWebhookRoutes(http, { ...guardDeps, webhooks: new WebhookService(prisma, config.ENCRYPTION_KEY, clock) });
    registerStaffPage(http, { i18n });
    // Opens the follow-up in the resident's Teams chat through the stored conversation reference.
    const proactive = new ProactiveChannels(botEndpoint.adapter, conversationReferences, config.MicrosoftAppId);
    const sender: TProactiveSender = {
      async sendFollowUp(channel, residentKey, followUp) {
        const found = await proactive.continueByResidentKey(channel, residentKey, (turn) => surveyBot.openFollowUp(turn, followUp));
        if (!found) throw new Error(`no stored conversation on ${channel} for this resident`);
      },
    };
    const worker = new FollowUpWorker(prisma, sender, webhookPublisher, {
      quietHours,
      linkTtlHours: config.LINK_TTL_HOURS,
      clock,
      logger: logger.child({ component: 'follow-ups' }),
    });
    const deliveries = new WebhookDeliveryWorker(prisma, { encryptionKey: config.ENCRYPTION_KEY, clock, logger: logger.child({ component: 'webhooks' }) });
    jobs.push(...worker.jobs(), callbackRequests.job(), deliveries.job());
  }
  // --- end follow-ups ---
  // --- KPIs for analysts (issue 7): /api/kpis*, /api/responses/export, /dashboard ---
  const kpis = new KpiService(prisma, { minGroupSize: config.MIN_GROUP_SIZE, provider: database.provider });
  registerKpiRoutes(http, {
    prisma,
    kpis,
    authenticate,
    rateLimiter,
    limits: { perAddress: config.RATE_LIMIT_PER_MINUTE, perToken: config.RATE_LIMIT_TOKEN_PER_MINUTE },
    logger,
  });
  registerDashboard(http);
  // --- end KPIs ---
  void surveys;
  void authenticate;
  void rateLimiter;
  let runner: ReturnType<typeof startJobs> | undefined;

  const app: TApp = {
    url: '',
    database,
    async listen(port = config.PORT, host = config.HOST) {
      await new Promise<void>((resolve, reject) => {
        http.server.once('error', reject);
        http.server.listen(port, host, () => resolve());
      });
      const address = http.server.address() as AddressInfo;
      app.url = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${address.port}`;
      runner = startJobs(jobs, logger);
      return app.url;
    },
    routes() {
      return Object.values(http.server.router.getRoutes()).map((route) => ({ method: route.method, path: String(route.path) }));
    },
    async close() {
      await new Promise<void>((resolve) => {
        http.server.close(() => resolve());
        // Idle keep-alive sockets would hold close() open; requests in flight still finish.
        http.server.server.closeIdleConnections();
      });
      await runner?.stop();
      await database.close();
    },
  };
  return app;
}
