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
/** The error catalogue is part of the domain's language (a refused rule is an AppError); it must stay pure too. */
const DOMAIN_KERNEL = ['^shared/domain/', '^shared/errors/app-error\\.ts$', '^shared/errors/error-catalogue\\.ts$'];
const PRODUCTION = '^(shared|functions|orchestrations|agent)/';
const DEVELOPMENT_ONLY = '^(local|tests|bench|simulator|packaging)/';
const AGENT_PROTOCOL = '^shared/agent-protocol\\.ts$';
/** The composition root: the outermost layer, the one place that builds clients and binds every handler to them. */
const COMPOSITION_ROOT = '^shared/composition/root/';

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/* global module -- a CommonJS file: dependency-cruiser also reads it from its own command */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'shared/domain (and the error catalogue it speaks in) imports only itself and a few pure packages: no SDK, no store, no api, no Node I/O.',
      from: { path: DOMAIN_KERNEL },
      to: {
        pathNot: [
          ...DOMAIN_KERNEL,
          ...PURE_NPM_PACKAGES.map((p) => `(^|/)node_modules/${escape(p)}/`),
          ...PURE_NODE_MODULES.map((m) => `^(node:)?${escape(m)}$`),
        ],
      },
    },
    {
      name: 'production-not-to-development',
      severity: 'error',
      comment: 'Production code (shared, functions, orchestrations, agent) never imports the local cloud, tests, benchmarks, the simulator or packaging.',
      from: { path: PRODUCTION },
      to: { path: DEVELOPMENT_ONLY },
    },
    {
      name: 'shared-not-to-hosts',
      severity: 'error',
      comment:
        'shared/ is used by functions/ and orchestrations/; it never reaches up into them (invert through a port type instead). The composition root, outermost, binds their activities and Durable adapters.',
      from: { path: '^shared/', pathNot: COMPOSITION_ROOT },
      to: { path: '^(functions|orchestrations)/' },
    },
    {
      name: 'only-hosts-import-the-root',
      severity: 'error',
      comment: 'The composition root hands its handlers to functions/; nothing it builds on imports it back.',
      from: { path: PRODUCTION, pathNot: ['^functions/', COMPOSITION_ROOT] },
      to: { path: COMPOSITION_ROOT },
    },
    {
      name: 'agent-only-through-protocol',
      severity: 'error',
      comment: 'The agent runs on the bots: it imports its own files, npm packages and the protocol module, nothing else of the repository.',
      from: { path: '^agent/' },
      to: { path: '^(shared|functions|orchestrations|local|tests|bench|simulator|packaging|console)/', pathNot: AGENT_PROTOCOL },
    },
    {
      name: 'server-not-to-agent',
      severity: 'error',
      comment: 'The server and the agent meet only in shared/agent-protocol.ts; the server never imports agent internals.',
      from: { path: '^(shared|functions|orchestrations)/' },
      to: { path: '^agent/' },
    },
    {
      name: 'protocol-is-standalone',
      severity: 'error',
      comment: 'Both sides import the protocol module, so it imports nothing of either side.',
      from: { path: AGENT_PROTOCOL },
      to: { path: '^(shared|functions|orchestrations|agent)/', pathNot: AGENT_PROTOCOL },
    },
    {
      name: 'no-cycles-between-shared-folders',
      severity: 'error',
      comment: 'The folders of shared/ depend on each other one way: a cycle between two of them means one should be split or inverted.',
      scope: 'folder',
      from: { path: '^shared/' },
      to: { path: '^shared/', circular: true },
    },
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
