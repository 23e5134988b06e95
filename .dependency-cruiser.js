/**
 * Architecture rules checked in CI (`npm run depcruise`, part of `npm test`).
 * The domain and the event-store port stay framework-free (domain-driven-hexagon's rule):
 * no Nest, no database driver, no bullmq/ioredis, no gRPC client, no adapters.
 */
const FORBIDDEN_IN_CORE = [
  '^@nestjs/',
  '^pg$',
  '^pg-',
  '^@electric-sql/',
  '^@eventstore/',
  '^@kurrent/',
  '^bullmq',
  '^ioredis',
  '^redis$',
  '^fastify',
  '^class-validator',
  '^class-transformer',
];

module.exports = {
  forbidden: [
    {
      name: 'domain-is-framework-free',
      severity: 'error',
      comment: 'libs/domain holds the rules: it may not import a framework, a driver, a queue or any other lib of ours',
      from: { path: '^libs/domain/' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        path: FORBIDDEN_IN_CORE.map((p) => `node_modules/${p.replace(/^\^/, '')}`),
      },
    },
    {
      name: 'domain-imports-no-other-lib',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { path: '^(libs/(?!domain/)|apps/)' },
    },
    {
      name: 'event-store-port-is-framework-free',
      severity: 'error',
      comment: 'the event store port (interfaces, errors, positions) must not depend on a framework or a driver',
      from: { path: '^libs/event-store/src/(port|subscription)/' },
      to: { path: FORBIDDEN_IN_CORE.map((p) => `node_modules/${p.replace(/^\^/, '')}`) },
    },
    {
      name: 'event-store-port-imports-no-adapter',
      severity: 'error',
      from: { path: '^libs/event-store/src/(port|subscription)/' },
      to: { path: '^(libs/event-store/src/adapters/|libs/sql/|libs/platform/|apps/)' },
    },
    {
      name: 'application-is-framework-free',
      severity: 'error',
      comment: 'libs/application (use cases) depends on the domain and the event-store port only',
      from: { path: '^libs/application/' },
      to: {
        path: FORBIDDEN_IN_CORE.map((p) => `node_modules/${p.replace(/^\^/, '')}`).concat([
          '^libs/(sql|platform)/',
          '^libs/event-store/src/adapters/',
          '^apps/',
        ]),
      },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      comment: 'libs hold what the apps share; no lib (libs/timers, libs/projections and libs/background included) reaches into an app',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'timers-and-projections-do-not-import-apps',
      severity: 'error',
      comment: 'the deadline timers and the projections run in the api (embedded), the worker and the CLI alike: never app code',
      from: { path: '^libs/(timers|projections)/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-app-imports-another-app',
      severity: 'error',
      comment: "apps are thin entry points over shared libs (Novu's shape): what two apps need lives in a lib (e.g. libs/background)",
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'console-uses-only-the-public-api',
      severity: 'error',
      comment: 'the web console (apps/console, a browser bundle) talks to the service over HTTP only: it imports no lib',
      from: { path: '^apps/console/' },
      to: { path: '^libs/' },
    },
    {
      name: 'only-apps-wire-the-background',
      severity: 'error',
      comment: 'libs/background wires projections, timers and the alerts outlet into Nest; the libs it wires never import it back',
      from: { path: '^libs/', pathNot: '^libs/background/' },
      to: { path: '^libs/background/' },
    },
    {
      name: 'projections-have-no-framework',
      severity: 'error',
      comment: 'libs/projections (read models, runner, rebuild) runs in the api, the worker and the CLI: no Nest, no platform',
      from: { path: '^libs/projections/' },
      to: { path: ['node_modules/@nestjs/', '^libs/(platform|timers|background|pdf|simulator)/'] },
    },
    {
      name: 'pdf-and-simulator-see-only-the-domain',
      severity: 'error',
      from: { path: '^libs/(pdf|simulator)/' },
      to: { path: '^libs/(?!domain/|pdf/|simulator/)' },
    },
    {
      name: 'notification-channels-in-their-adapter-folder',
      severity: 'error',
      comment:
        'the SMTP library (and any other channel client) is used only by the channel adapters of libs/background/src/notifications/channels, behind the NotificationChannel port',
      from: { pathNot: '^libs/background/src/notifications/channels/' },
      to: { path: ['node_modules/nodemailer/', 'node_modules/smtp-server/', 'node_modules/mailparser/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^libs/(domain|event-store)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(\\.spec\\.ts$|__tests__/)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default'] },
  },
};
