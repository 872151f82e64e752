// Who may import whom (docs/architecture.md draws the rooms). `npm run lint:layers` checks src/
// against these rules with dependency-cruiser and fails the build on any break.
const room = (name) => `^src/${name}/`;
const only = (name, allowed, packages = []) => ({
  name: `${name}-imports-only-${allowed.join('-') || 'itself'}`,
  comment: `src/${name} may import only ${[name, ...allowed].join(', ')} (and Node's own modules)`,
  severity: 'error',
  from: { path: room(name) },
  to: { pathNot: [room(name), ...allowed.map(room), '^node:', '^[a-z_]+$', ...packages.map((p) => `^node_modules/${p}/`)], dependencyTypesNot: ['core'] },
});

module.exports = {
  forbidden: [
    {
      name: 'vscode-only-in-ui',
      comment: 'Only src/ui and src/extension.ts may import vscode: everything else runs and is tested in plain Node',
      severity: 'error',
      from: { pathNot: ['^src/ui/', '^src/extension\\.ts$'] },
      to: { path: ['^vscode$', '@types/vscode'] },
    },
    only('protocol', []),
    only('common', []),
    only('runtime', ['protocol']),
    only('agent', ['protocol', 'runtime']),
    only('core', ['protocol', 'common']),
    only('transport', ['protocol', 'common']),
    only('session', ['core', 'transport', 'protocol', 'common']),
    only('cli', ['core', 'protocol', 'common']),
    // the program's own OpenTelemetry API (a peer dependency of the runtime package)
    only('otel', ['protocol'], ['@opentelemetry/api']),
    // The timeline webview runs in a browser page: it shares the core's plain data code (lane
    // layout, message validators), never the extension's UI or anything that needs Node.
    // Its drawing and controls come from the two libraries it bundles.
    {
      ...only('webview', ['core', 'protocol', 'common']),
      to: { pathNot: [room('webview'), room('core'), room('protocol'), room('common'), '^node_modules/(flame-chart-js|@vscode-elements/elements|events)/'] },
    },
    {
      name: 'ui-not-program-side',
      comment: 'The UI talks to programs through the channel, never by importing the runtime or the agent',
      severity: 'error',
      from: { path: '^src/ui/' },
      to: { path: ['^src/runtime/', '^src/agent/'] },
    },
    {
      name: 'nothing-imports-ui',
      comment: 'Only extension.ts wires the UI in',
      severity: 'error',
      from: { pathNot: ['^src/ui/', '^src/extension\\.ts$'] },
      to: { path: '^src/ui/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    // The runtime package's entry templates and the agent's ES5 preload name files that exist
    // only once built.
    exclude: { path: ['^(out|dist)/', '^src/runtime/package/', '^src/agent/preload\\.js$'] },
  },
};
