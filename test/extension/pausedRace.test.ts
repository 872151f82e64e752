// The paused path's bookkeeping with a debug session whose answers we control: a snapshot read
// that is still in flight when the program resumes must not mark the process paused afterwards.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { OperationStore } from '../../src/core/operationStore';
import type { HelloMessage } from '../../src/protocol/messages';
import type { LifecycleLog } from '../../src/ui/lifecycleLog';
import { OperationsController } from '../../src/ui/operationsController';
import type { PausedTarget, PauseTracker } from '../../src/ui/pausedSessions';
import { until } from './support';

const hello: HelloMessage = {
  type: 'hello', protocol: 1, pid: 424242, ppid: 1, title: 'node', argv: ['node', 'fake.js'], cwd: '/', node: 'v20', session: null, timeOrigin: 0,
};

describe('paused bookkeeping', () => {
  it('a snapshot read still in flight when the program resumes leaves the process running', async () => {
    const store = new OperationStore({ coalesceMs: 0 });
    store.addProcess('fake', hello, 'debug');
    store.apply('fake', { type: 'snapshotEnd' } as never);
    const stopped = new vscode.EventEmitter<PausedTarget>();
    const continued = new vscode.EventEmitter<vscode.DebugSession>();
    const restarts = new vscode.EventEmitter<vscode.DebugSession>();
    const log = { debugInfo: () => undefined, process: () => undefined, processEnded: () => undefined, message: () => undefined } as unknown as LifecycleLog;
    const controller = new OperationsController(store, log, { onDidStop: stopped.event, onDidContinue: continued.event } as unknown as PauseTracker, { onWillRestart: restarts.event });
    let answer: () => void = () => undefined;
    let reads = 0;
    const session = {
      customRequest: async (command: string) => {
        if (command === 'stackTrace') return { stackFrames: [{ id: 1 }] };
        reads++;
        await new Promise<void>((resolve) => (answer = resolve));
        return { result: JSON.stringify(JSON.stringify({ pid: hello.pid, text: '' })) };
      },
    } as unknown as vscode.DebugSession;
    try {
      stopped.fire({ session, threadId: 1 });
      await until(() => reads === 1, 'the snapshot read');
      continued.fire(session); // the user pressed Continue before the debugger answered
      answer();
      // The next stop: by the time its read begins, the stale answer has long been handled.
      stopped.fire({ session, threadId: 1 });
      await until(() => reads === 2, 'the second read');
      assert.equal(store.process('fake')?.paused, false, 'the stale snapshot marked the running process paused');
      // A stop that is answered in time still pauses it.
      answer();
      await until(() => store.process('fake')?.paused, 'paused');
    } finally {
      controller.dispose();
      store.dispose();
      for (const e of [stopped, continued, restarts]) e.dispose();
    }
  });
});
