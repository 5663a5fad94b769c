// The layers as rules (dependency-cruiser): `npm run check` fails on an import that crosses one.
const DOMAIN = '^src/(scoring|surveys|followups|webhooks|privacy|places|organisations|auth|themes)/';
/** Where the chat SDK belongs: the bot and its channels, the dialogs and the Storage implementation. */
const SDK_HOME = ['^src/bots/', '^src/channels/', '^src/dialogs/', '^src/db/databaseStorage\\.ts$'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'A cycle makes two modules one; split out what both need.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'restify-only-in-http',
      comment: 'The HTTP server and its request/response types belong to src/http/.',
      severity: 'error',
      from: { pathNot: '^src/http/' },
      to: { path: 'node_modules/restify' },
    },
    {
      name: 'botbuilder-only-in-the-bot',
      comment:
        'The chat SDK belongs to the bot and its channels (src/bots/, src/channels/), the dialogs and the Storage ' +
        'implementation. The Bot Framework endpoint (src/http/messages.ts) hands activities to the adapter and may name their types.',
      severity: 'error',
      from: { path: '^src/', pathNot: SDK_HOME },
      to: { path: 'node_modules/botbuilder', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'botbuilder-types-only-in-http',
      severity: 'error',
      from: { path: '^src/', pathNot: [...SDK_HOME, '^src/http/'] },
      to: { path: 'node_modules/botbuilder' },
    },
    {
      name: 'the-conversation-knows-no-bot',
      comment: 'The bot runs the dialogs, never the other way round.',
      severity: 'error',
      from: { path: '^src/dialogs/' },
      to: { path: ['^src/bots/', '^src/channels/', '^src/http/'] },
    },
    {
      name: 'channels-know-no-http',
      comment: 'A channel speaks its protocol through the bot; its routes live in src/http/ and map its refusals.',
      severity: 'error',
      from: { path: ['^src/bots/', '^src/channels/'] },
      to: { path: '^src/http/' },
    },
    {
      name: 'follow-ups-publish-through-their-contract',
      comment: 'Follow-ups raise events through TEventPublisher; the webhook outbox implements it.',
      severity: 'error',
      from: { path: '^src/followups/' },
      to: { path: '^src/webhooks/' },
    },
    {
      name: 'domain-knows-no-delivery',
      comment: 'Domain services know neither the HTTP layer, the channels nor the conversation.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: ['^src/http/', '^src/channels/', '^src/bots/', '^src/dialogs/', '^src/cli/', 'node_modules/(restify|botbuilder)'] },
    },
    {
      name: 'routes-call-services',
      comment: 'Routes parse, authorise and call a service; the services own the database.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: ['^src/generated/', 'node_modules/@prisma/client', '^src/db/client\\.ts$'] },
    },
    {
      name: 'settings-know-no-http',
      comment: 'The settings are read before any server exists; what they parse (addresses, CIDRs) lives in src/kernel/.',
      severity: 'error',
      from: { path: '^src/config\\.ts$' },
      to: { path: '^src/http/' },
    },
    {
      name: 'pages-import-nothing-from-the-server',
      comment: 'The pages are plain browser scripts served as they are.',
      severity: 'error',
      from: { path: '^public/' },
      to: { path: '^src/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
