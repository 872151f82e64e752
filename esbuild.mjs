// Bundles: the extension (vscode external), the runtime (no externals, for any program) and the
// agent: its preload `dist/agent.js`, ES5 so that any Node a debuggee starts can parse it (esbuild
// fails the build on newer syntax), which loads `dist/agentMain.js` (Node 16+) where it can run.
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

// What runs inside the debugged program (the runtime, the agent) is never minified: its frames
// show in the user's Call Stack, and readable names there tell them what they are looking at.
const inProgram = { ...common, minify: false };

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], target: 'node20' },
  { ...inProgram, entryPoints: ['src/runtime/index.ts'], outfile: 'dist/runtime.js', target: 'node16' },
  { ...inProgram, entryPoints: ['src/agent/index.ts'], outfile: 'dist/agentMain.js', target: 'node16' },
  { ...common, bundle: false, sourcemap: false, entryPoints: ['src/agent/preload.js'], outfile: 'dist/agent.js', target: 'es5' },
  // The runtime package's `asyncinfo` bin and its `/otel` entry (@opentelemetry/api is the
  // program's own copy, a peer dependency).
  { ...inProgram, entryPoints: ['src/cli/index.ts'], outfile: 'dist/cli.js', target: 'node16', banner: { js: '#!/usr/bin/env node' },
    define: { PACKAGE_VERSION: JSON.stringify(runtimePackageVersion()) } },
  { ...inProgram, entryPoints: ['src/otel/index.ts'], outfile: 'dist/otel.js', target: 'node16', external: ['@opentelemetry/api'] },
  // The timeline webview: a browser script (flame-chart-js, @vscode-elements/elements and the
  // core's lane layout bundled in), loaded by the webview from dist/ under its nonce.
  { ...common, platform: 'browser', format: 'iife', entryPoints: ['src/webview/timeline/main.ts'], outfile: 'dist/timeline.js', target: 'chrome114' },
];

function runtimePackageVersion() {
  return JSON.parse(readFileSync('src/runtime/package/package.json', 'utf8')).version;
}

mkdirSync('dist', { recursive: true });
// Declarations beside the runtime bundle, so programs get types from `dist/runtime.js` (and the
// runtime package's `/otel` entry from dist/types/otel/).
function emitRuntimeTypes() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, 'src/runtime/index.ts', 'src/otel/index.ts', '--declaration', '--emitDeclarationOnly',
    '--strict', '--target', 'ES2022', '--module', 'commonjs', '--types', 'node', '--skipLibCheck',
    '--rootDir', 'src', '--outDir', 'dist/types'], { stdio: 'inherit' });
  writeFileSync('dist/runtime.d.ts', "export * from './types/runtime/index';\n");
}

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  if (!process.argv.includes('--no-types')) emitRuntimeTypes();
}
