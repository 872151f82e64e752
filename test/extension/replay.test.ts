// Replay through the extension's commands: an opened trace, stepped back and forth with
// Replay: Previous Event / Next Event, puts the view's process at each moment (what the tree
// reads), the title's text says which, Show Whole Trace puts it back, and removing the trace ends it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { extensionApi } from './api';

const lines = [
  { type: 'hello', protocol: 1, pid: 778, ppid: 1, title: 'node', argv: ['node', '/app/replay.js'], cwd: '/app', node: 'v20', session: null, timeOrigin: 0 },
  { type: 'created', id: 1, t: 0, kind: 'operation', name: 'loadConfig', parent: null, site: null },
  { type: 'created', id: 2, t: 100_000, kind: 'operationWithProgress', name: 'fetchUsers', parent: null, site: null },
  { type: 'completed', id: 1, t: 200_000 },
  { type: 'progress', id: 2, t: 300_000, value: 40 },
  { type: 'created', id: 3, t: 350_000, kind: 'operation', name: 'parsePage', parent: 2, site: null },
  { type: 'created', id: 4, t: 400_000, kind: 'action', name: 'watchChanges', parent: null, site: null },
  { type: 'error', id: 3, t: 500_000, errorCode: -2147467259, message: 'bad page' },
  { type: 'cancelRequested', id: 2, t: 600_000, source: 'client' },
  { type: 'canceled', id: 2, t: 700_000 },
  { type: 'created', id: 5, t: 800_000, kind: 'action', name: 'saveCache', parent: null, site: null },
  { type: 'completed', id: 5, t: 1_000_000 },
];

describe('replay commands', function () {
  this.timeout(60_000);
  let a: ExtensionApi;
  let dir: string;
  let key: string;
  before(async () => {
    a = await extensionApi();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncops-replay-'));
    const file = path.join(dir, 'replay.ndjson');
    fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    await vscode.commands.executeCommand('asyncOperations.openTrace', vscode.Uri.file(file));
    key = a.store.processes().find((p) => p.hello.pid === 778)!.key;
  });
  after(() => {
    for (const p of a.store.processes()) if (p.source === 'trace') a.feed.forget(p.key);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const status = (id: number) => a.store.op(key, id)?.status;
  const step = (command: 'replayPrevious' | 'replayNext' | 'replayEnd') => vscode.commands.executeCommand(`asyncOperations.${command}`);

  it('Previous Event steps back moment by moment; the state is the trace up to then', async () => {
    assert.equal(a.replay.describe(), undefined, 'no cursor before the first step');
    await step('replayPrevious');
    assert.equal(a.replay.describe(), 'replay: +800.000 ms, event 10 of 11');
    assert.equal(status(5), 'Started');
    for (let i = 0; i < 3; i++) await step('replayPrevious');
    assert.equal(a.replay.describe(), 'replay: +500.000 ms, event 7 of 11');
    assert.equal(status(5), undefined, 'an op created later exists');
    assert.equal(status(3), 'Error');
    assert.equal(status(2), 'Started');
    assert.equal(a.store.op(key, 2)!.cancelRequested, false);
    assert.equal(a.store.op(key, 2)!.progress, 40);
    assert.equal(a.store.process(key)!.pendingCount, 2);
  });

  it('Next Event steps forward; at the last event it stays', async () => {
    await step('replayNext');
    assert.equal(a.replay.describe(), 'replay: +600.000 ms, event 8 of 11');
    // A cancel request makes the op Canceled at once (as IAsyncInfo.Cancel does), its work still to stop.
    assert.equal(a.store.op(key, 2)!.cancelRequested, true);
    assert.equal(status(2), 'Canceled');
    for (let i = 0; i < 5; i++) await step('replayNext');
    assert.equal(a.replay.describe(), 'replay: +1000.000 ms, event 11 of 11');
    assert.equal(status(5), 'Completed');
  });

  it('before the first event nothing exists; Show Whole Trace ends the replay', async () => {
    for (let i = 0; i < 15; i++) await step('replayPrevious');
    assert.equal(a.replay.describe(), 'replay: before the first event, event 0 of 11');
    assert.equal(a.store.process(key)!.opCount, 0);
    await step('replayEnd');
    assert.equal(a.replay.describe(), undefined);
    assert.deepEqual([1, 2, 3, 4, 5].map(status), ['Completed', 'Canceled', 'Error', 'Started', 'Completed']);
  });

  it('a trace removed from the view takes its replay with it', async () => {
    await step('replayPrevious');
    assert.ok(a.replay.has(key));
    a.feed.forget(key);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the store's change is coalesced
    assert.equal(a.replay.has(key), false);
    assert.equal(a.replay.describe(), undefined);
  });
});
