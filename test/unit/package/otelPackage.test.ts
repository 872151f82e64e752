// `@asyncinfo/runtime/otel` the way a service meets it: the packed package installed in a fresh
// project, first without @opentelemetry/api (a clear error), then beside the OpenTelemetry SDK
// (the repository's own copies, placed in the project's node_modules as npm would: offline).
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '../../../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = promisify(execFile);

function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ASYNCINFO_') && k !== 'NODE_OPTIONS') env[k] = v;
  return env;
}

const SERVICE = `'use strict';
const { AsyncInfo } = require('@asyncinfo/runtime');
const { startOpenTelemetryBridge } = require('@asyncinfo/runtime/otel');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const stop = startOpenTelemetryBridge({ tracerProvider: provider });
(async () => {
  await AsyncInfo.runOperation(async () => {
    await AsyncInfo.runAction(async () => undefined, { name: 'query' });
    throw new Error('timeout');
  }, { name: 'handle request' }).then(() => undefined, () => undefined);
  stop();
  console.log(JSON.stringify(exporter.getFinishedSpans().map((s) => ({
    name: s.name, status: s.status, parent: s.parentSpanContext ? exporter.getFinishedSpans().find((p) => p.spanContext().spanId === s.parentSpanContext.spanId).name : null,
    kind: s.attributes['asyncinfo.kind'],
  }))));
})();
`;

const ESM = `import { startOpenTelemetryBridge } from '@asyncinfo/runtime/otel';
console.log(JSON.stringify(typeof startOpenTelemetryBridge));
`;

const TYPED = `import { startOpenTelemetryBridge, type OpenTelemetryBridgeOptions, type StopOpenTelemetryBridge } from '@asyncinfo/runtime/otel';
import { trace } from '@opentelemetry/api';
const options: OpenTelemetryBridgeOptions = { tracerProvider: trace.getTracerProvider(), maxOpenSpans: 10 };
const stop: StopOpenTelemetryBridge = startOpenTelemetryBridge(options);
const dropped: number = stop.dropped;
stop();
void dropped;
`;

describe('@asyncinfo/runtime/otel, packed and installed', function () {
  this.timeout(60_000);
  let project: string;
  const node = async (file: string) => (await run(process.execPath, [file], { cwd: project, env: userEnv() })).stdout.trim();

  before(() => {
    const tarball = execFileSync(process.execPath, [path.join(ROOT, 'src/runtime/package/pack.mjs')], { encoding: 'utf8' }).trim();
    project = mkdtempSync(path.join(os.tmpdir(), 'asyncinfo-otel-'));
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'service', version: '1.0.0', private: true }));
    execFileSync(NPM, ['install', tarball, '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: project, env: userEnv() });
  });
  after(() => rmSync(project, { recursive: true, force: true }));

  it('without @opentelemetry/api installed: npm does not force it, and starting says what to install', async () => {
    writeFileSync(path.join(project, 'bare.js'), `try { require('@asyncinfo/runtime/otel').startOpenTelemetryBridge(); } catch (e) { console.log(e.message); }`);
    assert.match(await node('bare.js'), /^@asyncinfo\/runtime\/otel needs the package @opentelemetry\/api \(npm install @opentelemetry\/api\)/);
  });

  it('beside the SDK: one span per op, parent links and statuses, from CommonJS; named import from ES modules', async () => {
    cpSync(path.join(ROOT, 'node_modules/@opentelemetry'), path.join(project, 'node_modules/@opentelemetry'), { recursive: true });
    writeFileSync(path.join(project, 'service.js'), SERVICE);
    assert.deepEqual(JSON.parse(await node('service.js')), [
      { name: 'query', status: { code: 1 }, parent: 'handle request', kind: 'action' },
      { name: 'handle request', status: { code: 2, message: 'timeout' }, parent: null, kind: 'operation' },
    ]);
    writeFileSync(path.join(project, 'esm.mjs'), ESM);
    assert.equal(await node('esm.mjs'), '"function"');
  });

  it('tsc --strict: the declarations type the options and the stop function', async () => {
    writeFileSync(path.join(project, 'typed.mts'), TYPED);
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    try {
      await run(process.execPath, [tsc, '--strict', '--noEmit', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022',
        '--types', 'node', '--typeRoots', path.join(ROOT, 'node_modules/@types'), 'typed.mts'], { cwd: project, env: userEnv() });
    } catch (error) {
      assert.fail(`tsc found errors:\n${(error as { stdout?: string }).stdout}`);
    }
  });
});
