import { buildLexicon } from './dialogs/recognizers';
import { systemClock } from './kernel/clock';
import { randomUUID } from 'node:crypto';
import { TokenService } from './auth/tokens';
import { abandonSweepJob } from './bots/abandonSweep';
import { createBotEndpointAdapter, ProactiveChannels } from './bots/adapter';
import { ConversationReferenceStore } from './bots/conversationReferences';
import { WEBCHAT_CHANNEL_ID } from './channels/directline/adapter';
import { createDirectLine } from './channels/directline/channel';
import { SurveyBot } from './bots/surveyBot';
import { invitationTargetsOf, type TConfig } from './config';
import { bootstrapDatabase } from './db/bootstrap';
import { isDatabaseReachable, type TDatabase } from './db/client';
import { DatabaseStorage } from './db/databaseStorage';
import { PrismaOrganisationDirectory } from './dialogs/organisationDirectory';
import { CallbackService } from './followups/callbacks';
import type { TProactiveSender } from './followups/contract';
import { FollowUpGateway } from './followups/gateway';
import { InvitationWorker, type TInvitationChannel } from './followups/invitations';
import { mailInvitations } from './followups/invitationMail';
import { MAX_SMS_PARTS, smsInvitations } from './followups/invitationSms';
import { CmSmsSender } from './sms/cmSmsSender';
import { SmtpMailer } from './mail/smtpMailer';
import { registerInvitationStop } from './http/invitationStop';
import { FollowUpService } from './followups/service';
import { parseQuietHours } from './followups/time';
import { FollowUpWorker } from './followups/worker';
import { bearerAuthenticator } from './http/auth';
import { callbackRoutes } from './http/callbacks';
import { registerDashboard } from './http/dashboard';
import { registerReportPage } from './http/reportPage';
import { registerDirectLineRoutes } from './http/directLine';
import { followUpRoutes } from './http/followUps';
import { registerHealthRoutes } from './http/health';
import { heldBackRoutes } from './http/heldBack';
import { kpiRoutes } from './http/kpis';
import { themeRoutes } from './http/themes';
import { responseRateRoutes } from './http/responseRate';
import { ResponseRates } from './scoring/responseRate';
import { CommentService } from './scoring/comments';
import { ThemeLexicons } from './themes/themeLexicons';
import { ResponseExports } from './scoring/responseExport';
import { registerBotEndpoint } from './http/messages';
import { registerWebChatPage } from './http/pages';
import { databaseRateLimiter } from './http/rateLimit';
import { windowCleanupJob, windowCounterOf } from './db/windowCounter';
import { addressListMatcher, parseTrustProxy } from './kernel/networkAddresses';
import { createHttpServer } from './http/server';
import { registerStaffPage } from './http/staff';
import { registerAdminPage } from './http/adminPage';
import { webhookRoutes } from './http/webhooks';
import { organisationRoutes } from './http/organisations';
import { tokenRoutes } from './http/tokens';
import { OrganisationAdmin } from './organisations/admin';
import { surveyVariantRoutes } from './http/surveyVariants';
import { SurveyVariants } from './surveys/variants';
import { DraftCatalog, PreviewAnswers, previewDispatcher } from './bots/preview';
import { registerApiDocs } from './http/apiDocs';
import { mountApiRoutes, type TApiRoute } from './http/apiRoute';
import { createI18n } from './i18n/i18n';
import { PlaceDirectory } from './places/places';
import { startJobs, type TJob } from './jobs';
import type { TLogger } from './log';
import { hourlyResponseLimit } from './scoring/admission';
import { AnswerStore } from './scoring/answerStore';
import { HeldBackResponses } from './scoring/heldBack';
import { KpiService } from './scoring/kpiQuery';
import { retentionJob } from './scoring/retention';
import { rollupFoldJob } from './scoring/rollups';
import { loadSurveys } from './surveys/loader';
import { registerSurveys } from './surveys/registry';
import { WebhookDeliveryWorker } from './webhooks/delivery';
import { WebhookPublisher } from './webhooks/publisher';
import { WebhookService } from './webhooks/service';
import { webhookTargetsOf, type TResolveHost } from './webhooks/targets';

export interface TApp {
  /** The base URL the server listens on (known after listen). */
  url: string;
  database: TDatabase;
  listen(port?: number, host?: string): Promise<string>;
  /** The HTTP server underneath, for tests that watch every exchange. */
  httpServer: import('node:http').Server;
  /** Every registered route (method and path), for tests that exercise them all. */
  routes(): { method: string; path: string }[];
  /** Stops taking requests, lets in-flight ones finish, stops the jobs and closes the database. */
  close(): Promise<void>;
}

/**
 * The composition root: the one place where configuration, database, repositories, bot, channels,
 * routes and background jobs are built and wired. `src/main.ts` and the tests both start the service through it.
 */
/** What the service would otherwise take from the machine; tests give their own. */
export interface TAppDependencies {
  /** The resolver webhook targets are checked with (the system's DNS by default). */
  resolveHost?: TResolveHost;
  /** TLS settings of the SMTP connection beyond the system's (a test server's own certificate). */
  smtpTls?: { ca?: string };
}

export async function createApp(config: TConfig, logger: TLogger, dependencies: TAppDependencies = {}): Promise<TApp> {
  const i18n = createI18n();
  // A broken survey file stops start-up before anything listens, with one line naming file, path and reason.
  const loadedSurveys = loadSurveys(undefined, { i18n });
  const database = await bootstrapDatabase(config, logger);
  const surveys = await registerSurveys(database.prisma, loadedSurveys);

  const { prisma } = database;
  const replicaId = randomUUID();
  const clock = systemClock;
  const themeLexicons = new ThemeLexicons(prisma, { clock });
  const answers = new AnswerStore(database, clock, hourlyResponseLimit(prisma, config.MAX_NEW_RESPONSES_PER_ADDRESS_PER_HOUR), themeLexicons);
  const tokens = new TokenService(prisma, config.HASH_SECRET, clock);
  const authenticate = bearerAuthenticator(tokens);
  const rateLimiter = databaseRateLimiter(windowCounterOf(prisma), config.HASH_SECRET, clock);
  const jobs: TJob[] = [
    rollupFoldJob(database, replicaId),
    retentionJob(database, answers, config.RETENTION_DAYS, replicaId, clock),
    windowCleanupJob(prisma, clock),
  ];

  // The survey bot every channel runs, with the follow-up side as it sees it (src/followups/contract.ts).
  const webhookPublisher = new WebhookPublisher(prisma, clock, database.sql);
  const followUpGateway = new FollowUpGateway(database, { hashSecret: config.HASH_SECRET, linkTtlHours: config.LINK_TTL_HOURS, clock });
  const callbackRequests = new CallbackService(prisma, config.ENCRYPTION_KEY, webhookPublisher, clock);
  const storage = new DatabaseStorage(database.sql);
  const lexicon = buildLexicon();
  const surveyBot = new SurveyBot({
    storage,
    i18n,
    lexicon,
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
    erasure: {
      async afterErasure(channelId, conversationId) {
        if (channelId === WEBCHAT_CHANNEL_ID) await directLine.store.forgetActivities(conversationId);
        await database.reclaimDeleted();
      },
    },
  });
  // An admin's preview of the organisation's draft survey: the same bot on the draft, storing no response or answer.
  const surveyVariants = new SurveyVariants(prisma, i18n, clock);
  const previewBot = new SurveyBot({
    storage,
    i18n,
    lexicon,
    catalog: new DraftCatalog(surveyVariants),
    answers: new PreviewAnswers(database.sql),
    directory: new PrismaOrganisationDirectory(prisma),
    hashSecret: config.HASH_SECRET,
    logger: logger.child({ component: 'preview-bot' }),
    clock,
    abandonAfterHours: config.ABANDON_AFTER_HOURS,
  });
  jobs.push(abandonSweepJob(prisma, answers, config.ABANDON_AFTER_HOURS, replicaId, clock));

  const http = createHttpServer({ logger, maxBodyBytes: config.MAX_BODY_BYTES, bodyTimeoutMs: config.BODY_TIMEOUT_MS, trustProxy: parseTrustProxy(config.TRUST_PROXY) });
  registerHealthRoutes(http, () => isDatabaseReachable(prisma, 'write'));
  const guard = { authenticate, rateLimiter, limits: { perAddress: config.RATE_LIMIT_PER_MINUTE, perToken: config.RATE_LIMIT_TOKEN_PER_MINUTE } };
  /** The staff, analyst and admin API: every route mounted at once, and described by the same definitions. */
  const apiRoutes: TApiRoute[] = [];

  // Channels: the web chat page and the local Direct Line channel, and /api/messages for Teams.
  const conversationReferences = new ConversationReferenceStore(database, config.HASH_SECRET, config.ENCRYPTION_KEY, clock);
  const botEndpoint = createBotEndpointAdapter({
    config,
    logger: logger.child({ component: 'bot-endpoint' }),
    references: conversationReferences,
    onTurnError: surveyBot.handleTurnError,
  });
  const directLine = createDirectLine({
    prisma,
    bot: previewDispatcher(surveyBot, previewBot),
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
    messagesPerAddressPerMinute: config.RATE_LIMIT_MESSAGES_PER_MINUTE,
    pollsPerAddressPerMinute: config.RATE_LIMIT_POLLS_PER_MINUTE,
    hashSecret: config.HASH_SECRET,
    isExemptFromResponseLimit: addressListMatcher(config.RESPONSE_LIMIT_EXEMPT),
    places: new PlaceDirectory(prisma),
  });
  registerWebChatPage(http, { i18n, embedOrigins: config.EMBED_ORIGINS, linkTtlHours: config.LINK_TTL_HOURS });

  // Follow-ups, call-backs and webhooks: staff and admin routes, and the queues' workers.
  let mailer: SmtpMailer | undefined;
  {
    const quietHours = parseQuietHours(config.QUIET_HOURS);
    const followUps = new FollowUpService(prisma, {
      hashSecret: config.HASH_SECRET,
      publicUrl: config.PUBLIC_URL,
      fatigueDays: config.FOLLOW_UP_FATIGUE_DAYS,
      quietHours,
      linkTtlHours: config.LINK_TTL_HOURS,
      invitations: { encryptionKey: config.ENCRYPTION_KEY, targets: invitationTargetsOf(config) },
      clock,
    });
    apiRoutes.push(...followUpRoutes(followUps), ...callbackRoutes(callbackRequests, followUps));
    const webhookTargets = webhookTargetsOf(config, dependencies.resolveHost);
    apiRoutes.push(...webhookRoutes(new WebhookService(prisma, config.ENCRYPTION_KEY, webhookTargets, clock)));
    apiRoutes.push(
      ...organisationRoutes(new OrganisationAdmin(prisma, { minGroupSize: config.MIN_GROUP_SIZE, clock })),
      ...tokenRoutes(tokens),
      ...surveyVariantRoutes(surveyVariants, (organisation, language) => directLine.channel.generateToken({ organisation, preview: true, ...(language ? { language } : {}) })),
    );
    registerStaffPage(http, { i18n, invitationTargets: invitationTargetsOf(config) });
    registerAdminPage(http, { i18n, minGroupSize: config.MIN_GROUP_SIZE });
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
    const deliveries = new WebhookDeliveryWorker(prisma, { encryptionKey: config.ENCRYPTION_KEY, targets: webhookTargets, clock, logger: logger.child({ component: 'webhooks' }) });
    jobs.push(...worker.jobs(), callbackRequests.job(), deliveries.job());
    const invitationChannels: TInvitationChannel[] = [];
    if (config.SMTP_URL) {
      mailer = new SmtpMailer(config.SMTP_URL, config.MAIL_FROM, dependencies.smtpTls);
      invitationChannels.push(mailInvitations(mailer, i18n));
    }
    if (config.SMS_PROVIDER_URL && config.SMS_API_KEY && config.SMS_SENDER) {
      const sms = new CmSmsSender({ url: config.SMS_PROVIDER_URL, productToken: config.SMS_API_KEY, sender: config.SMS_SENDER, maxParts: MAX_SMS_PARTS });
      invitationChannels.push(smsInvitations(sms, i18n));
    }
    for (const channel of invitationChannels) {
      const invitations = new InvitationWorker(prisma, channel, webhookPublisher, {
        hashSecret: config.HASH_SECRET,
        encryptionKey: config.ENCRYPTION_KEY,
        publicUrl: config.PUBLIC_URL,
        quietHours,
        reminderAfterDays: config.REMINDER_AFTER_DAYS,
        clock,
        logger: logger.child({ component: `${channel.targetType} invitations` }),
      });
      jobs.push(...invitations.jobs());
    }
    registerInvitationStop(http, { i18n, hashSecret: config.HASH_SECRET, gateway: followUpGateway });
  }

  // KPIs for analysts: /api/kpis*, /api/responses/export and the dashboard.
  const kpis = new KpiService(prisma, { minGroupSize: config.MIN_GROUP_SIZE, provider: database.provider, themeLabels: themeLexicons });
  apiRoutes.push(
    ...kpiRoutes(kpis, new ResponseExports(prisma)),
    ...themeRoutes(kpis, new CommentService(database), themeLexicons),
    ...responseRateRoutes(kpis, new ResponseRates(prisma)),
    ...heldBackRoutes(new HeldBackResponses(prisma, answers)),
  );
  registerDashboard(http, { i18n });
  registerReportPage(http, { i18n, organisations: new PrismaOrganisationDirectory(prisma) });
  mountApiRoutes(http, apiRoutes, guard, logger);
  registerApiDocs(http, apiRoutes);
  let runner: ReturnType<typeof startJobs> | undefined;

  const app: TApp = {
    url: '',
    database,
    async listen(port = config.PORT, host = config.HOST) {
      await new Promise<void>((resolve, reject) => {
        http.server.once('error', reject);
        http.server.listen(port, host, () => resolve());
      });
      const address = http.server.address();
      app.url = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${address.port}`;
      runner = startJobs(jobs, logger);
      return app.url;
    },
    httpServer: http.server.server,
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
      mailer?.close();
      await database.close();
    },
  };
  return app;
}
