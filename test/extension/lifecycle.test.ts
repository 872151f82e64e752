// Debug sessions over their whole life: several at once, a restart, a program that exits on its
// own, stepping at a breakpoint, a user's own launch environment; and commands on rows whose
// process is gone.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { OpView, ProcessView } from '../../src/core/model';
import type { ExtensionApi } from '../../src/extension';
import { allOps, errorsShownBy, extensionApi, rowText } from './api';
import { fixture, until, withTimeout } from './support';



function opNamed(a: ExtensionApi, key: string, name: string | RegExp): OpView | undefined {
  return allOps(a, key).find((op) => (typeof name === 'string' ? op.name === name : name.test(op.name)));
}

function isProbe(p: ProcessView, child = false): boolean {
  const i = p.hello.argv.findIndex((x) => x.endsWith('probe.js'));
  return i >= 0 && (p.hello.argv[i + 1] === 'child') === child;
}

/** Starts probe.js under a root debug session named `name`. */
async function startProbe(name: string, env: Record<string, string> = {}): Promise<vscode.DebugSession> {
  const started = new Promise<vscode.DebugSession>((resolve) => {
    const l = vscode.debug.onDidStartDebugSession((s) => s.name === name && !s.parentSession && (l.dispose(), resolve(s)));
  });
  const ok = await vscode.debug.startDebugging(undefined, {
    type: 'node', request: 'launch', name, program: fixture('view', 'probe.js'), console: 'internalConsole', env,
  });
  assert.equal(ok, true);
  return withTimeout(started, 20_000, `${name} did not start`);
}

/** Collects the error messages the extension shows while `body` runs. */
describe('debug sessions over their life', function () {
  this.timeout(90_000);
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  });

  const stopLater = (session: vscode.DebugSession) => cleanups.push(() => vscode.debug.stopDebugging(session));

  it('two sessions at once: each process under its own session; ending one leaves the other running', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const one = await startProbe('probe one');
    stopLater(one);
    const two = await startProbe('probe two');
    stopLater(two);
    const [p1, p2] = await until(() => {
      const ps = a.store.processes().filter((p) => !before.has(p.key) && p.connected && isProbe(p));
      return ps.length === 2 && ps.every((p) => opNamed(a, p.key, 'probeWaits')) ? ps : undefined;
    }, 'both programs');
    assert.notEqual(p1.hello.session, p2.hello.session);
    const names = new Set([p1, p2].map((p) => rowText(a, a.tree.processElement(p.key))));
    assert.ok([...names].some((n) => n.includes('probe one')) && [...names].some((n) => n.includes('probe two')), [...names].join(' | '));
    const first = [p1, p2].find((p) => rowText(a, a.tree.processElement(p.key)).includes('probe one'))!;
    const second = first === p1 ? p2 : p1;
    await vscode.debug.stopDebugging(one);
    await until(() => a.store.process(first.key)?.ended, 'the first program to show as ended');
    assert.equal(a.store.process(second.key)?.connected, true);
    assert.ok(opNamed(a, second.key, 'probeWaits'));
    await a.feed.command(second.key, 'cancel', opNamed(a, second.key, 'probeWaits')!.id);
    await until(() => opNamed(a, second.key, 'probeWaits')?.status === 'Canceled', 'the other session still answers');
  });

  it('restarting a session: the old process goes, the new one shows, once', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const session = await startProbe('probe restart');
    stopLater(session);
    const old = await until(() => a.store.processes().find((p) => !before.has(p.key) && p.connected && isProbe(p) && opNamed(a, p.key, 'probeWaits')), 'the program');
    const token = old.hello.session;
    await vscode.commands.executeCommand('workbench.action.debug.restart');
    const fresh = await until(() => a.store.processes().find((p) => !before.has(p.key) && p.key !== old.key && p.connected && isProbe(p) && opNamed(a, p.key, 'probeWaits')), 'the restarted program');
    await until(() => !a.store.process(old.key), 'the old process to leave the view');
    assert.equal(fresh.hello.session, token, 'same debug session');
    const mine = a.store.processes().filter((p) => p.hello.session === token);
    assert.deepEqual(mine.map((p) => p.key), [fresh.key]);
    // One root for it in the tree: the process itself, not a session node of two.
    assert.ok(a.tree.getChildren().includes(a.tree.processElement(fresh.key)));
    assert.ok(rowText(a, a.tree.processElement(fresh.key)).includes('probe restart'));
  });

  it('a program that exits on its own stays, marked ended, when its session ends; Remove from View takes it away, leaving nothing behind', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const seen = new Set<string>();
    const tap = a.feed.onDidReceive(({ key }) => seen.add(key));
    cleanups.push(() => tap.dispose());
    const ended = new Promise<void>((resolve) => {
      const l = vscode.debug.onDidTerminateDebugSession((s) => s.name === 'probe exits' && (l.dispose(), resolve()));
    });
    const session = await startProbe('probe exits', { PROBE_EXIT_MS: '400' });
    stopLater(session);
    await withTimeout(ended, 20_000, 'the session did not end with its program');
    await until(() => [...seen].some((k) => !before.has(k)), 'the program to have connected');
    // Only this test's processes: another test's late process must not make this one wait.
    const mine = [...seen].filter((k) => !before.has(k));
    await until(() => mine.every((k) => a.store.process(k)?.ended), 'its process to show as ended');
    // What it had stays to look at, read-only: no Cancel or Close on its rows.
    const key = mine[0];
    const rows = a.tree.getChildren(a.tree.processElement(key));
    assert.ok(rows.length > 0);
    for (const row of rows) assert.ok(!/^op\.(started|finished)/.test(String(a.tree.getTreeItem(row).contextValue)), 'an ended session\'s op offers Cancel or Close');
    const c = a.feed as unknown as { processes: Map<string, unknown> };
    assert.ok(mine.every((k) => !c.processes.has(k)), 'the session layer still holds an ended process');
    for (const k of mine) await vscode.commands.executeCommand('asyncOperations.removeProcess', a.tree.processElement(k));
    assert.ok(mine.every((k) => !a.store.process(k)), 'Remove from View left it');
  });

  it('a child that exited stays, shown as exited; Cancel on it says so', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const session = await startProbe('probe family', { PROBE_CHILD: '1', PROBE_CHILD_EXIT_MS: '800' });
    stopLater(session);
    const child = await until(() => a.store.processes().find((p) => !before.has(p.key) && isProbe(p, true) && opNamed(a, p.key, 'probeWaits')), 'the child');
    await until(() => a.store.process(child.key)?.connected === false, 'the child to exit');
    const parent = a.store.processes().find((p) => !before.has(p.key) && isProbe(p))!;
    assert.equal(parent.connected, true);
    const op = opNamed(a, child.key, 'probeWaits')!;
    const errors = await errorsShownBy(() =>
      withTimeout(Promise.resolve(vscode.commands.executeCommand('asyncOperations.cancelOperation', a.tree.opElement(child.key, op.id))), 10_000, 'cancel hung'));
    assert.equal(errors.length, 1);
    assert.match(errors[0], /Could not cancel "probeWaits" #\d+: .*(no longer connected|exited)/);
  });

  it('Close on a Started op tells the user to cancel it first', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const session = await startProbe('probe close');
    stopLater(session);
    const p = await until(() => a.store.processes().find((x) => !before.has(x.key) && x.connected && isProbe(x) && opNamed(a, x.key, 'probeWaits')), 'the program');
    const op = opNamed(a, p.key, 'probeWaits')!;
    const errors = await errorsShownBy(() => vscode.commands.executeCommand('asyncOperations.closeOperation', a.tree.opElement(p.key, op.id)));
    assert.equal(errors.length, 1);
    assert.match(errors[0], /Could not close "probeWaits" #\d+: it is still running; cancel it first/);
  });

  it('the launch config\'s own NODE_OPTIONS and ASYNCINFO_SITES are kept; the site budget setting is passed', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const session = await startProbe('probe env', { NODE_OPTIONS: '--max-old-space-size=300', ASYNCINFO_SITES: 'async' });
    stopLater(session);
    const p = await until(() => a.store.processes().find((x) => !before.has(x.key) && isProbe(x) && opNamed(a, x.key, /^env /)), 'the program');
    // --max-old-space-size=300 gives a heap limit of about 350 MB (young generation included).
    const [, sites, siteBudget, heapMb] = /^env sites=(\w+) siteBudget=(\S+) heapMb=(\d+)$/.exec(opNamed(a, p.key, /^env /)!.name)!;
    assert.equal(sites, 'async');
    assert.equal(siteBudget, '2', 'asyncOperations.creationSiteBudget (default 2) sets ASYNCINFO_SITE_BUDGET');
    assert.ok(Number(heapMb) < 500, `heap limit ${heapMb} MB`);
  });

  it('stepping at a breakpoint inside an op\'s work keeps the view paused and exact; continuing unpauses it', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const session = await startProbe('probe step', { PROBE_BREAK: '1' });
    stopLater(session);
    const p = await until(() => a.store.processes().find((x) => !before.has(x.key) && isProbe(x) && x.paused), 'the pause');
    assert.equal(opNamed(a, p.key, 'breakInside')?.status, 'Started');
    assert.equal(opNamed(a, p.key, 'afterBreak'), undefined);
    for (let i = 0; i < 3; i++) {
      await vscode.commands.executeCommand('workbench.action.debug.stepOver');
      await until(() => a.store.process(p.key)?.paused, `paused again after step ${i + 1}`);
    }
    // Still actionable through the debugger after the steps.
    const waits = opNamed(a, p.key, 'probeWaits')!;
    await a.feed.command(p.key, 'cancel', waits.id);
    await until(() => opNamed(a, p.key, 'probeWaits')?.status === 'Canceled', 'canceled while paused');
    await vscode.commands.executeCommand('workbench.action.debug.continue');
    await until(() => a.store.process(p.key)?.paused === false && opNamed(a, p.key, 'afterBreak'), 'running again, with the op made after the break');
  });

  it('pausing a parent marks only the parent paused, not its child', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const session = await startProbe('probe pause family', { PROBE_CHILD: '1', PROBE_BREAK: '1' });
    stopLater(session);
    const parent = await until(() => a.store.processes().find((x) => !before.has(x.key) && isProbe(x) && x.paused), 'the parent paused');
    const child = await until(() => a.store.processes().find((x) => !before.has(x.key) && isProbe(x, true) && opNamed(a, x.key, 'probeWaits')), 'the child');
    assert.equal(a.store.process(child.key)?.paused, false);
    // The child still runs: a cancel goes over its channel and it answers.
    await a.feed.command(child.key, 'cancel', opNamed(a, child.key, 'probeWaits')!.id);
    await until(() => opNamed(a, child.key, 'probeWaits')?.status === 'Canceled', 'the child canceled');
    assert.equal(a.store.process(parent.key)?.paused, true);
  });

  it('a finished parent with a running child: hiding finished keeps the child visible', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const session = await startProbe('probe hide');
    stopLater(session);
    cleanups.push(() => a.tree.setFilter({}));
    const p = await until(() => a.store.processes().find((x) => !before.has(x.key) && isProbe(x) && opNamed(a, x.key, 'orphanChild') && opNamed(a, x.key, 'finishedParent')?.status === 'Completed'), 'the program');
    a.tree.setFilter({ hideFinished: true });
    const visible: string[] = [];
    const walk = (e: ReturnType<ExtensionApi['tree']['getChildren']>[number]) => {
      visible.push(String(a.tree.getTreeItem(e).label));
      for (const c of a.tree.getChildren(e)) walk(c);
    };
    walk(a.tree.processElement(p.key));
    assert.ok(visible.includes('orphanChild'), visible.join(', '));
    // No match: an empty list, not an error.
    a.tree.setFilter({ text: 'no-such-operation-anywhere' });
    assert.deepEqual(a.tree.getChildren(a.tree.processElement(p.key)), []);
    // #id finds a nested op.
    const nested = opNamed(a, p.key, 'orphanChild')!;
    a.tree.setFilter({ text: `#${nested.id}` });
    assert.deepEqual(a.tree.getChildren(a.tree.processElement(p.key)).map((e) => a.tree.getTreeItem(e).label), ['orphanChild']);
  });

  it('lowering retention.maxFinished at run time drops the old finished ops', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const session = await startProbe('probe retention');
    stopLater(session);
    const p = await until(() => a.store.processes().find((x) => !before.has(x.key) && isProbe(x) && opNamed(a, x.key, /^env /)?.status === 'Completed'), 'the program');
    // As the view does: the roots, then this process's rows.
    a.tree.getChildren();
    // Finished, it is listed in the process's "N finished" group.
    const group = a.tree.getChildren(a.tree.processElement(p.key)).find((e) => e.type === 'finished')!;
    assert.equal(group, a.tree.finishedElement(p.key, null));
    const finishedElement = a.tree.getChildren(group).find((e) => e.type === 'op' && /^env /.test(a.store.op(e.key, e.id)!.name))!;
    assert.ok(finishedElement, 'the finished op is not in the finished group');
    a.store.flushChanges();
    const fired: unknown[] = [];
    const listener = a.tree.onDidChangeTreeData((e) => fired.push(...(Array.isArray(e) ? e : [e])));
    cleanups.push(() => listener.dispose());
    const config = vscode.workspace.getConfiguration('asyncOperations');
    await config.update('retention.maxFinished', 0, vscode.ConfigurationTarget.Global);
    cleanups.push(() => config.update('retention.maxFinished', undefined, vscode.ConfigurationTarget.Global));
    await until(() => !opNamed(a, p.key, /^env /), 'the finished op to go');
    assert.ok(opNamed(a, p.key, 'probeWaits'), 'running ops stay');
    a.store.flushChanges();
    assert.ok(!a.tree.getChildren(group).includes(finishedElement));
    // The view is told to redraw the list it was in (at the view's next tick), never the dropped
    // row itself (it would show "(dropped)").
    await until(() => fired.includes(group) || fired.includes(a.tree.processElement(p.key)) || fired.includes(undefined), 'its list to be redrawn', 5_000);
    assert.ok(!fired.includes(finishedElement), 'the dropped op\'s own row was refreshed');
    assert.notEqual(a.tree.opElement(p.key, opNamed(a, p.key, 'probeWaits')!.id), undefined);
  });
});
