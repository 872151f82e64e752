// The Async Operations view in a real extension host: a debug session of a fixture program fills
// the store behind the view; Cancel and Close from the view's commands change the program's ops;
// at a breakpoint the view shows the exact state read through the debugger and stays actionable.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import type { OpView, ProcessView } from '../../src/core/model';
import { allOps, extensionApi } from './api';
import { fixture, until, withTimeout } from './support';




function opNamed(a: ExtensionApi, process: ProcessView, name: string): OpView | undefined {
  return allOps(a, process.key).find((op) => op.name === name);
}

describe('Async Operations view', function () {
  this.timeout(90_000);
  let session: vscode.DebugSession | undefined;

  afterEach(async () => {
    if (session) await vscode.debug.stopDebugging(session);
    session = undefined;
  });

  it('shows a debugged program\'s operations; Cancel and Close act on them, also while paused', async () => {
    const a = await extensionApi();
    const name = 'view: app.js';
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const l = vscode.debug.onDidStartDebugSession((s) => s.name === name && (l.dispose(), resolve(s)));
    });
    assert.equal(await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
      type: 'node', request: 'launch', name, program: fixture('view', 'app.js'), console: 'internalConsole', env: { APP_PAUSE: '1' },
    }), true);
    session = await withTimeout(started, 20_000, 'debug session did not start');

    const process = await until(() => a.store.processes().find((p) => p.hello.argv.some((arg) => arg.endsWith('app.js'))), 'the program to connect');
    assert.equal(process.source, 'debug');
    assert.equal(process.hello.session !== null, true, 'the injected session id reaches the agent');

    const download = await until(() => opNamed(a, process, 'download'), 'download');
    assert.equal(download.status, 'Started');
    assert.equal(download.kind, 'operationWithProgress');
    await until(() => opNamed(a, process, 'download')?.hasProgress, 'download progress');
    assert.deepEqual(opNamed(a, process, 'download')!.progress, { bytes: 512 });
    assert.equal((await until(() => opNamed(a, process, 'quickDone'), 'quickDone')).status, 'Completed');
    const failing = await until(() => opNamed(a, process, 'failing'), 'failing');
    assert.equal(failing.status, 'Error');
    assert.equal(failing.errorCode, 0x80070070 | 0);
    assert.equal(failing.message, 'disk on fire');
    assert.match(download.site ?? '', /app\.js:\d+:\d+$/);

    // The child created after an await nests under the op whose work created it.
    const parent = await until(() => opNamed(a, process, 'parentWork'), 'parentWork');
    const child = await until(() => opNamed(a, process, 'childWait'), 'childWait');
    assert.equal(child.parent, parent.id);
    assert.ok(a.store.children(process.key, parent.id, 0, 10).some((op) => op.id === child.id));

    // Close on a running op is refused with the contract's error, and nothing changes.
    await assert.rejects(a.feed.command(process.key, 'close', child.id), /E_ILLEGAL_STATE_CHANGE|still running/);
    assert.equal(opNamed(a, process, 'childWait')!.status, 'Started');

    // Close a finished op from the view: the program releases it.
    await vscode.commands.executeCommand('asyncOperations.closeOperation', { type: 'op', key: process.key, id: opNamed(a, process, 'quickDone')!.id });
    await until(() => opNamed(a, process, 'quickDone')?.closed, 'quickDone closed');

    // Cancel from the view: the program's work sees the token and the op ends Canceled.
    await vscode.commands.executeCommand('asyncOperations.cancelOperation', { type: 'op', key: process.key, id: download.id });
    const canceled = await until(() => {
      const op = opNamed(a, process, 'download');
      return op?.endT !== undefined ? op : undefined;
    }, 'download canceled');
    assert.equal(canceled.status, 'Canceled');
    assert.equal(canceled.cancelSource, 'client');

    // The program now stops at `debugger;`: the view shows the op made right before the pause,
    // read through the debugger, and Cancel still works while paused.
    await until(() => a.store.process(process.key)?.paused, 'the pause to show in the view');
    const beforePause = await until(() => opNamed(a, process, 'createdBeforePause'), 'createdBeforePause while paused');
    assert.equal(beforePause.status, 'Started');
    await vscode.commands.executeCommand('asyncOperations.cancelOperation', { type: 'op', key: process.key, id: beforePause.id });
    await until(() => opNamed(a, process, 'createdBeforePause')?.cancelRequested, 'cancel applied while paused');
    assert.equal(a.store.process(process.key)?.paused, true, 'still paused');

    // Resume: the op, canceled while paused, ends Canceled through the live channel.
    await vscode.commands.executeCommand('workbench.action.debug.continue');
    await until(() => a.store.process(process.key)?.paused === false, 'resume');
    const ended = await until(() => {
      const op = opNamed(a, process, 'createdBeforePause');
      return op?.endT !== undefined ? op : undefined;
    }, 'createdBeforePause canceled after resume');
    assert.equal(ended.status, 'Canceled');
  });
});

describe('Lifecycle traces', function () {
  this.timeout(60_000);
  const os = require('node:os') as typeof import('node:os');
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');

  it('a recorded trace reopens read-only with the same operations', async () => {
    const a = await extensionApi();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncops-trace-'));
    const file = path.join(dir, 'run.ndjson');
    const name = 'trace: app.js';
    try {
      const before = new Set(a.store.processes().map((p) => p.key));
      await vscode.commands.executeCommand('asyncOperations.startRecording', vscode.Uri.file(file));
      assert.equal(await vscode.debug.startDebugging(undefined, {
        type: 'node', request: 'launch', name, program: fixture('view', 'app.js'), console: 'internalConsole',
      }), true);
      const live = await until(() => a.store.processes().find((p) => p.source === 'debug' && p.connected && !before.has(p.key)), 'the program');
      await until(() => opNamed(a, live, 'failing') && opNamed(a, live, 'childWait'), 'ops');
      const liveNames = allOps(a, live.key).map((op) => `${op.name}:${op.status}`).sort();
      await vscode.commands.executeCommand('asyncOperations.stopRecording');
      const session = vscode.debug.activeDebugSession;
      if (session) await vscode.debug.stopDebugging(session);

      await vscode.commands.executeCommand('asyncOperations.openTrace', vscode.Uri.file(file));
      const loaded = await until(() => a.store.processes().find((p) => p.source === 'trace'), 'the trace in the view');
      assert.equal(loaded.hello.pid, live.hello.pid);
      assert.deepEqual(allOps(a, loaded.key).map((op) => `${op.name}:${op.status}`).sort(), liveNames);
      a.feed.forget(loaded.key);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a bad trace file is refused with an error naming the line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncops-trace-'));
    const file = path.join(dir, 'bad.ndjson');
    fs.writeFileSync(file, '{"type":"hello","protocol":1,"pid":1,"ppid":0,"title":"node","argv":[],"cwd":"/","node":"v20","session":null,"timeOrigin":0}\n{"type":"created", oops\n');
    try {
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('asyncOperations.openTrace', vscode.Uri.file(file))),
        /line 2/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
