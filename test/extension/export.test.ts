// Export Trace... in a real VS Code: an opened trace (read again from its file, every mark with its
// time) and a live debug session (what the view holds) written as Chrome Trace Event Format JSON,
// checked against the format's rules.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { checkTraceEventFormat } from '../unit/core/export/traceEventRules';
import { allOps, messagesShownBy, useTraceWorkspace } from './api';
import { fixture, until, withTimeout } from './support';

const HELLO = '{"type":"hello","protocol":1,"pid":7,"ppid":1,"title":"node","argv":["node","/app/server.js","--port","80"],"cwd":"/","node":"v20","session":null,"timeOrigin":1700000000000}';
const TRACE = [
  HELLO,
  '{"type":"snapshotEnd","t":1}',
  '{"type":"created","id":1,"t":10,"kind":"operationWithProgress","name":"download","parent":null,"site":"/app/server.js:3:1"}',
  '{"type":"progress","id":1,"t":20,"value":25}',
  '{"type":"created","id":2,"t":25,"kind":"action","name":"chunk","parent":1,"site":null}',
  '{"type":"progress","id":1,"t":30,"value":50}',
  '{"type":"completed","id":2,"t":35}',
  '{"type":"progress","id":1,"t":40,"value":75}',
  '{"type":"cancelRequested","id":1,"t":45,"source":"client"}',
  '{"type":"created","id":3,"t":50,"kind":"action","name":"still waiting","parent":null,"site":null}',
  '{"type":"canceled","id":1,"t":60}',
].join('\n') + '\n';

function exportTrace(out: string, keys: string[]): Promise<unknown> {
  return Promise.resolve(vscode.commands.executeCommand('asyncOperations.exportTrace', vscode.Uri.file(out), keys));
}

describe('Export Trace', function () {
  this.timeout(60_000);
  const workspace = useTraceWorkspace('asyncops-export-');
  let dir: string;
  let a: ExtensionApi;
  let cleanups: (() => unknown)[];
  beforeEach(() => ({ dir, api: a, cleanups } = workspace));

  it('is in the view title menu and the palette, under its title', async () => {
    const manifest = vscode.extensions.getExtension('asyncinfo.async-operations-debugger')!.packageJSON;
    const command = manifest.contributes.commands.find((c: { command: string }) => c.command === 'asyncOperations.exportTrace');
    assert.equal(command.title, 'Export Trace...');
    assert.ok(manifest.contributes.menus['view/title'].some((m: { command: string }) => m.command === 'asyncOperations.exportTrace'));
    assert.ok((await vscode.commands.getCommands(true)).includes('asyncOperations.exportTrace'));
  });

  it('an opened trace: every op, progress and cancel marks at their times, the pending op left open', async () => {
    const trace = path.join(dir, 'server.ndjson');
    fs.writeFileSync(trace, TRACE);
    await vscode.commands.executeCommand('asyncOperations.openTrace', vscode.Uri.file(trace));
    const key = a.store.processes().find((p) => p.source === 'trace')!.key;
    const out = path.join(dir, 'server.json');
    const shown = await messagesShownBy(() => exportTrace(out, [key]));
    assert.match(shown.map((m) => m.message).join('\n'), /Exported 3 operations to .*server\.json/);
    const { events, openBegins } = checkTraceEventFormat(JSON.parse(fs.readFileSync(out, 'utf8')));
    assert.deepEqual(events.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args!.name), ['server.js --port 80']);
    assert.deepEqual(events.filter((e) => e.ph === 'X').map((e) => [e.name, e.ts, e.dur, e.args!.status]), [['download', 10, 50, 'Canceled'], ['chunk', 25, 10, 'Completed']]);
    assert.deepEqual(openBegins.map((e) => e.name), ['still waiting']);
    assert.deepEqual(events.filter((e) => e.name === 'progress').map((e) => [e.ts, e.args!.value]), [[20, 25], [30, 50], [40, 75]]);
    assert.deepEqual(events.filter((e) => e.name === 'cancel requested').map((e) => [e.ts, e.args!.by]), [[45, 'client']]);
    assert.equal(events.filter((e) => e.ph === 's').length, 1, 'one flow: download -> chunk');
  });

  it('a live debug session: the ops the view holds, a flow from a finished parent to its running child', async () => {
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const l = vscode.debug.onDidStartDebugSession((s) => s.name === 'export live' && (l.dispose(), resolve(s)));
    });
    assert.equal(await vscode.debug.startDebugging(undefined, {
      type: 'node', request: 'launch', name: 'export live', program: fixture('view', 'probe.js'), console: 'internalConsole',
    }), true);
    const session = await withTimeout(started, 20_000, 'no session');
    cleanups.push(() => vscode.debug.stopDebugging(session));
    const live = await until(() => a.store.processes().find((p) => p.connected && p.debugSessionId === session.id
      && allOps(a, p.key).some((op) => op.name === 'probeWaits') && p.opCount >= 4), 'the probe and its ops');
    const out = path.join(dir, 'live.json');
    await exportTrace(out, [live.key]);
    const { events, openBegins } = checkTraceEventFormat(JSON.parse(fs.readFileSync(out, 'utf8')));
    assert.equal(events.filter((e) => e.ph === 'X' || e.ph === 'B').length, a.store.process(live.key)!.opCount);
    assert.deepEqual(openBegins.map((e) => e.name).sort(), ['orphanChild', 'probeWaits']);
    const parent = events.find((e) => e.name === 'finishedParent')!;
    const child = openBegins.find((e) => e.name === 'orphanChild')!;
    assert.equal(parent.ph, 'X');
    assert.notEqual(child.tid, parent.tid, 'the child outlives its parent: another lane');
    const flow = events.find((e) => e.ph === 'f' && e.tid === child.tid && e.ts === child.ts)!;
    assert.equal(events.find((e) => e.ph === 's' && e.id === flow.id)!.tid, parent.tid);
    assert.equal(events.find((e) => e.ph === 'M' && e.name === 'process_labels')!.args!.labels, `pid ${live.hello.pid}`);
  });

  it('a file it cannot write: an error naming it, nothing half-written elsewhere', async () => {
    const trace = path.join(dir, 'server.ndjson');
    fs.writeFileSync(trace, TRACE);
    await vscode.commands.executeCommand('asyncOperations.openTrace', vscode.Uri.file(trace));
    const key = a.store.processes().find((p) => p.source === 'trace')!.key;
    const out = path.join(dir, 'no-such-folder', 'x.json');
    const shown = await messagesShownBy(() => exportTrace(out, [key]).then(() => assert.fail('no error'), () => undefined));
    assert.match(shown.filter((m) => m.level === 'error').map((m) => m.message).join('\n'), /Cannot export to .*x\.json: ENOENT/);
  });
});
