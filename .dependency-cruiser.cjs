/**
 * The layering rules, checked by `npm run lint` (and so by `npm test`). See docs/architecture.md.
 * Within a service: entry-points and outbound adapters call the domain; the domain imports
 * nothing that does I/O of the service's own (it declares the ports that data-access and
 * outbound implement); only app.ts (the composition root) and main.ts wire them together.
 */
const service = '^services/([^/]+)/src/';

module.exports = {
  forbidden: [
    {
      name: 'services-never-import-each-other',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: ['^services/$1/'] },
    },
    {
      name: 'libs-never-import-services-or-tools',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^(services|tools)/' },
    },
    {
      name: 'generic-libs-know-nothing-of-orders',
      comment: 'libs/platform and libs/messaging are generic; the order platform lives in libs/contracts and the services.',
      severity: 'error',
      from: { path: '^libs/(platform|messaging)/src/' },
      to: { path: '^libs/contracts/' },
    },
    {
      name: 'platform-below-messaging',
      severity: 'error',
      from: { path: '^libs/platform/src/' },
      to: { path: '^libs/messaging/' },
    },
    {
      name: 'domain-does-no-io-of-its-own',
      comment: 'The domain declares ports; data-access, outbound and entry-points depend on it, not the reverse.',
      severity: 'error',
      from: { path: `${service}domain/` },
      to: { path: `${service}(entry-points|data-access|outbound|observability|app|main|config)` },
    },
    {
      name: 'data-access-below-entry-points',
      severity: 'error',
      from: { path: `${service}data-access/` },
      to: { path: `${service}(entry-points|outbound|app|main)` },
    },
    {
      name: 'entry-points-do-not-reach-adapters',
      comment: 'An entry point calls use cases; it does not talk to the database or other services itself.',
      severity: 'error',
      from: { path: `${service}entry-points/` },
      to: { path: `${service}(data-access|outbound|app|main)`, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'only-main-starts-the-app',
      severity: 'error',
      from: { path: `${service}`, pathNot: [`${service}main\\.ts$`] },
      to: { path: `${service}main\\.ts$` },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.depcruise.json' },
    combinedDependencies: true,
  },
};
