// Trace files beyond the round trip: a recording of two processes, opening a trace twice, and the
// errors for an empty file and a file cut off in its last line.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { allOps, useTraceWorkspace } from './api';
import { fixture, until, withTimeout } from './support';

const HELLO = '{"type":"hello","protocol":1,"pid":7,"ppid":1,"title":"node","argv":["node","x.js"],"cwd":"/","node":"v20","session":null,"timeOrigin":0}';


function openTrace(file: string): Promise<unknown> {
  return Promise.resolve(vscode.commands.executeCommand('asyncOperations.openTrace', vscode.Uri.file(file)));
}

describe('trace files', function () {
  this.timeout(60_000);
  const workspace = useTraceWorkspace('asyncops-traces-');
  let dir: string;
  let a: ExtensionApi;
  let cleanups: (() => unknown)[];
  beforeEach(() => ({ dir, api: a, cleanups } = workspace));

  it('a recording of two processes (parent and child) reopens with both', async () => {
    const file = path.join(dir, 'two.ndjson');
    const before = new Set(a.store.processes().map((p) => p.key));
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const l = vscode.debug.onDidStartDebugSession((s) => s.name === 'trace two' && !s.parentSession && (l.dispose(), resolve(s)));
    });
    await vscode.commands.executeCommand('asyncOperations.startRecording', vscode.Uri.file(file));
    cleanups.push(() => vscode.commands.executeCommand('asyncOperations.stopRecording'));
    assert.equal(await vscode.debug.startDebugging(undefined, {
      type: 'node', request: 'launch', name: 'trace two', program: fixture('view', 'probe.js'), console: 'internalConsole', env: { PROBE_CHILD: '1' },
    }), true);
    const session = await withTimeout(started, 20_000, 'no session');
    cleanups.push(() => vscode.debug.stopDebugging(session));
    const live = await until(() => {
      const ps = a.store.processes().filter((p) => !before.has(p.key) && p.connected && allOps(a, p.key).some((op) => op.name === 'orphanChild'));
      return ps.length === 2 ? ps : undefined;
    }, 'both processes');
    await vscode.commands.executeCommand('asyncOperations.stopRecording');
    await openTrace(file);
    const loaded = a.store.processes().filter((p) => p.source === 'trace');
    assert.deepEqual(loaded.map((p) => p.hello.pid).sort(), live.map((p) => p.hello.pid).sort());
    for (const p of loaded) assert.ok(allOps(a, p.key).some((op) => op.name === 'probeWaits'));
    // Opening the same file again replaces it: no second copy.
    await openTrace(file);
    assert.equal(a.store.processes().filter((p) => p.source === 'trace').length, 2);
  });

  it('an empty trace file is refused naming line 1', async () => {
    const file = path.join(dir, 'empty.ndjson');
    fs.writeFileSync(file, '');
    await assert.rejects(openTrace(file), /empty\.ndjson, line 1: the file is empty/);
    assert.equal(a.store.processes().filter((p) => p.source === 'trace').length, 0);
  });

  it('a trace cut off in its last line is refused naming that line', async () => {
    const file = path.join(dir, 'cut.ndjson');
    fs.writeFileSync(file, `${HELLO}\n{"type":"created","id":1,"t":5,"kind":"action","name":"a","parent":null,"site":null}\n{"type":"completed","id":1,"t":`);
    await assert.rejects(openTrace(file), /cut\.ndjson, line 3: the file ends in the middle of this line/);
    assert.equal(a.store.processes().filter((p) => p.source === 'trace').length, 0);
  });

  it('Cancel on a trace row says the trace is read-only, without hanging', async () => {
    const file = path.join(dir, 'ok.ndjson');
    fs.writeFileSync(file, `${HELLO}\n{"type":"created","id":1,"t":5,"kind":"action","name":"a","parent":null,"site":null}\n`);
    await openTrace(file);
    const p = a.store.processes().find((x) => x.source === 'trace')!;
    await assert.rejects(withTimeout(a.feed.command(p.key, 'cancel', 1), 5000, 'hung'), /read-only/);
  });
});
