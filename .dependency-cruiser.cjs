/**
 * The layering rule (issue #20): every import points inward. `npm run lint:layers` checks it, and `npm run lint`
 * (which CI runs) includes it. docs/architecture.md ("Layers and the rule that enforces them") explains the layers.
 *
 * Type-only imports count: a type reaching outward is the same coupling as a value reaching outward.
 * Known violations (too costly to remove yet) are listed in .dependency-cruiser-known-violations.json: the check
 * (tests/unit/architecture/layer-check.ts) reports them and fails only on the others.
 */

/** npm packages and Node modules the domain may use: they compute, they do no I/O (node:crypto: for its hashes). */
const PURE_NPM_PACKAGES = ['zod', 'unhomoglyph'];
const PURE_NODE_MODULES = ['crypto'];
const PRODUCTION = '^(domain|app|adapters|api|composition|protocol|functions|orchestrations|agent)/';
const DEVELOPMENT_ONLY = '^(local|tests|bench|simulator|packaging)/';
const AGENT_PROTOCOL = '^protocol/agent-protocol\\.ts$';
/** the server's layers, innermost first */
const SERVER = '^(domain|app|adapters|api|composition|functions|orchestrations)/';

/**
 * The folders of app/, lowest first: a folder imports only folders of a lower rank (or of its own), and the resource
 * modules at the top of app/ (app/*.ts) sit above them all. docs/architecture.md ("The order of app/'s folders") says
 * what each holds. A new folder of app/ takes its place here.
 */
const APP_FOLDER_ORDER = [
  ['config', 'errors', 'ports', 'paging'],
  ['environments'],
  ['observability'],
  ['callback-targets'],
  ['connections'],
  ['desktop-flows'],
  ['runs'],
  ['callbacks'],
  ['bots'],
  ['groups'],
  ['maintenance'],
];

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** `from` may import nothing of the repository's folders in `to` */
const inward = (name, from, to, comment) => ({ name, severity: 'error', comment, from: { path: from }, to: { path: to } });

/** one rule per rank of APP_FOLDER_ORDER: its folders import no folder ranked above them, nor a module at the top of app/ */
const appFoldersInOrder = APP_FOLDER_ORDER.map((rank, i) => {
  const above = APP_FOLDER_ORDER.slice(i + 1).flat();
  return {
    name: 'app-folders-in-order',
    severity: 'error',
    comment: `app/{${rank.join(',')}}/ import no folder of app/ ranked above them (APP_FOLDER_ORDER: ${above.join(', ') || 'none'}) and no resource module at the top of app/.`,
    from: { path: `^app/(${rank.map(escape).join('|')})/` },
    to: { path: [...(above.length > 0 ? [`^app/(${above.map(escape).join('|')})/`] : []), '^app/[^/]+$'] },
  };
});

/* global module -- a CommonJS file: dependency-cruiser also reads it from its own command */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ (documents, rules, the planner, the error catalogue) imports only itself and a few pure packages: no SDK, no port, no Node I/O.',
      from: { path: '^domain/' },
      to: {
        pathNot: ['^domain/', ...PURE_NPM_PACKAGES.map((p) => `(^|/)node_modules/${escape(p)}/`), ...PURE_NODE_MODULES.map((m) => `^(node:)?${escape(m)}$`)],
      },
    },
    inward(
      'app-imports-inward',
      '^app/',
      '^(adapters|api|functions|orchestrations)/',
      'app/ (use cases and the ports they declare) imports domain/, its own modules and the protocol; an adapter, a route or the composition root is handed to it, never imported.',
    ),
    inward(
      'adapters-import-inward',
      '^adapters/',
      '^(api|functions|orchestrations)/',
      'adapters/ implement the ports of app/ with the SDKs; they know nothing of routes, of the composition root or of the hosts.',
    ),
    inward(
      'api-imports-inward',
      '^api/',
      '^(adapters|functions|orchestrations)/',
      "api/ (routes, HTTP, OpenAPI) calls use cases through their ports; the adapters behind them are the composition root's choice.",
    ),
    inward(
      'composition-not-to-functions',
      '^composition/',
      '^functions/',
      'composition/ builds the clients and hands out handlers (the activities of orchestrations/ among them); functions/ registers them, not the other way round.',
    ),
    inward(
      'only-functions-import-the-composition',
      '^(domain|app|adapters|api|protocol|orchestrations|agent)/',
      '^composition/',
      'Only functions/ (and tests) take what the composition root hands out; everything else is handed its dependencies.',
    ),
    {
      name: 'production-not-to-development',
      severity: 'error',
      comment: 'Production code never imports the local cloud, tests, benchmarks, the simulator or packaging.',
      from: { path: PRODUCTION },
      to: { path: DEVELOPMENT_ONLY },
    },
    {
      name: 'agent-only-through-protocol',
      severity: 'error',
      comment: 'The agent runs on the bots: it imports its own files, npm packages and the protocol module, nothing else of the repository.',
      from: { path: '^agent/' },
      to: {
        path: '^(domain|app|adapters|api|composition|protocol|functions|orchestrations|local|tests|bench|simulator|packaging|console)/',
        pathNot: AGENT_PROTOCOL,
      },
    },
    {
      name: 'server-not-to-agent',
      severity: 'error',
      comment: 'The server and the agent meet only in protocol/agent-protocol.ts; the server never imports agent internals.',
      from: { path: SERVER },
      to: { path: '^agent/' },
    },
    {
      name: 'protocol-is-standalone',
      severity: 'error',
      comment: 'Both sides import the protocol module, so it imports nothing of either side.',
      from: { path: '^protocol/' },
      to: { path: '^(domain|app|adapters|api|composition|functions|orchestrations|agent)/' },
    },
    {
      name: 'no-cycles-between-app-folders',
      severity: 'error',
      comment: 'The folders of app/ depend on each other one way: a cycle between two of them means one should be split or inverted.',
      scope: 'folder',
      from: { path: '^app/' },
      to: { path: '^app/', circular: true },
    },
    ...appFoldersInOrder,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^tests/fixtures/' },
    tsPreCompilationDeps: true,
    // node_modules may be a symlink (worktrees): name packages by where they are imported from, not where they live
    preserveSymlinks: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
