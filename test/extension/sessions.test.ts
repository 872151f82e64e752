// How processes reach the view: child processes of a debuggee, the setting that turns injection
// off, and "Attach to Async Channel" for a program started elsewhere with a TCP token.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { extensionApi } from './api';
import { extensionId, fixture, repoRoot, until, withTimeout } from './support';



async function startSession(name: string, program: string): Promise<vscode.DebugSession> {
  const started = new Promise<vscode.DebugSession>((resolve) => {
    const l = vscode.debug.onDidStartDebugSession((s) => s.name === name && (l.dispose(), resolve(s)));
  });
  assert.equal(await vscode.debug.startDebugging(undefined, { type: 'node', request: 'launch', name, program, console: 'internalConsole' }), true);
  return withTimeout(started, 20_000, `${name} did not start`);
}

describe('processes in the view', function () {
  this.timeout(60_000);
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('a debuggee\'s child process appears as its own process of the same session', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const session = await startSession('family', fixture('view', 'family.js'));
    cleanups.push(() => vscode.debug.stopDebugging(session));
    const fresh = () => a.store.processes().filter((p) => !before.has(p.key) && p.connected);
    const [parent, child] = await until(() => {
      const ps = fresh();
      const parent = ps.find((p) => p.hello.argv.some((x) => x.endsWith('family.js')));
      const child = ps.find((p) => p.hello.argv.some((x) => x.endsWith('familyChild.js')));
      return parent && child && a.store.children(child.key, null, 0, 10).length > 0 ? [parent, child] as const : undefined;
    }, 'both processes with their ops');
    assert.equal(child.hello.ppid, parent.hello.pid);
    assert.equal(child.hello.session, parent.hello.session);
    assert.ok(parent.hello.session);
    assert.deepEqual(a.store.children(child.key, null, 0, 10).map((op) => op.name), ['childWaits']);
    // The child process is also an op of its parent (asyncOperations.nodeOperations has
    // child-process by default); its 60 s timer is not (timers are off by default).
    assert.deepEqual(a.store.children(parent.key, null, 0, 10).map((op) => op.name), ['parentWaits', 'spawn node familyChild.js']);
    // In the view: one node for the session, its two processes under it.
    const sessionNode = a.tree.getChildren().find((e) => e.type === 'session' && e.token === parent.hello.session);
    assert.ok(sessionNode, 'a node for the debug session');
    assert.equal(a.tree.getTreeItem(sessionNode).label, 'family');
    const members = a.tree.getChildren(sessionNode);
    assert.deepEqual(members, [a.tree.processElement(parent.key), a.tree.processElement(child.key)]);
    assert.equal(a.tree.getParent(members[1]), sessionNode);
  });

  it('a node-terminal launch gets the agent too', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const ok = await vscode.debug.startDebugging(undefined, {
      type: 'node-terminal', request: 'launch', name: 'terminal launch', command: `node ${JSON.stringify(fixture('view', 'family.js'))}`,
    });
    assert.equal(ok, true);
    cleanups.push(async () => {
      for (const s of [vscode.debug.activeDebugSession].filter(Boolean)) await vscode.debug.stopDebugging(s);
      for (const t of vscode.window.terminals) t.dispose();
    });
    const found = await until(() => a.store.processes().find((p) => !before.has(p.key) && p.hello.argv.some((x) => x.endsWith('family.js'))), 'the program started in the terminal');
    assert.ok(found.hello.session);
    await until(() => a.store.children(found.key, null, 0, 10).some((op) => op.name === 'parentWaits'), 'its op');
  });

  it('injects nothing when asyncOperations.injectAgent is off', async () => {
    const a = await extensionApi();
    const config = vscode.workspace.getConfiguration('asyncOperations');
    await config.update('injectAgent', false, vscode.ConfigurationTarget.Global);
    cleanups.push(() => config.update('injectAgent', undefined, vscode.ConfigurationTarget.Global));
    const before = new Set(a.store.processes().map((p) => p.key));
    const ended = new Promise<void>((resolve) => {
      const l = vscode.debug.onDidTerminateDebugSession((s) => s.name === 'not injected' && (l.dispose(), resolve()));
    });
    await startSession('not injected', fixture('smoke', 'hello.js'));
    await withTimeout(ended, 30_000, 'the session did not end');
    assert.deepEqual(a.store.processes().filter((p) => !before.has(p.key)), []);
  });

  for (const dormant of [false, true]) {
  it(`loads the agent into a running program when the user attaches the debugger to it${dormant ? ' (the agent was preloaded, dormant)' : ''}`, async () => {
    const a = await extensionApi();
    const preload = dormant ? ['--require', path.join(repoRoot, 'dist', 'agent.js')] : [];
    const program = spawn(process.execPath, [...preload, '--inspect=127.0.0.1:0', fixture('view', 'listening.js')], {
      env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    cleanups.push(() => program.kill());
    let stderr = '';
    const port = await withTimeout(new Promise<number>((resolve) => {
      program.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /ws:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
        if (match) resolve(Number(match[1]));
      });
    }), 10_000, 'the program did not open its inspector');
    const session = await new Promise<vscode.DebugSession>((resolve, reject) => {
      const l = vscode.debug.onDidStartDebugSession((s) => s.name === `attach to running ${dormant}` && (l.dispose(), resolve(s)));
      void vscode.debug.startDebugging(undefined, { type: 'node', request: 'attach', name: `attach to running ${dormant}`, port, address: '127.0.0.1' })
        .then((ok) => ok || reject(new Error('startDebugging returned false')));
    });
    cleanups.push(() => vscode.debug.stopDebugging(session));
    const found = await until(() => a.store.processes().find((p) => p.connected && p.hello.pid === program.pid), 'the attached program in the view');
    assert.equal(found.source, 'debug');
    assert.ok(found.hello.session, 'tied to the debug session');
    const op = await until(() => a.store.children(found.key, null, 0, 10).find((o) => o.name === 'serveRequests'), 'its op, from before the attach');
    assert.equal(op.status, 'Started');
    // Detaching ends our channel to it too (the program itself runs on); what it had stays, ended.
    await vscode.debug.stopDebugging(session);
    await until(() => a.store.process(found.key)?.ended, 'the process to show as ended after detaching');
    a.feed.forget(found.key);
    assert.equal(program.exitCode, null, 'the program still runs');
  });
  }

  it('passes the creation-site setting to the program (off: no sites)', async () => {
    const a = await extensionApi();
    const config = vscode.workspace.getConfiguration('asyncOperations');
    await config.update('creationSites', 'off', vscode.ConfigurationTarget.Global);
    cleanups.push(() => config.update('creationSites', undefined, vscode.ConfigurationTarget.Global));
    const before = new Set(a.store.processes().map((p) => p.key));
    const session = await startSession('no sites', fixture('view', 'family.js'));
    cleanups.push(() => vscode.debug.stopDebugging(session));
    const op = await until(() => {
      const parent = a.store.processes().find((p) => !before.has(p.key) && p.hello.argv.some((x) => x.endsWith('family.js')));
      return parent && a.store.children(parent.key, null, 0, 10)[0];
    }, 'the op');
    assert.equal(op.name, 'parentWaits');
    assert.equal(op.site, null);
    // Stepping skips the agent and the runtime package; the user's own skipFiles stay.
    const skipFiles = session.configuration.skipFiles as string[];
    const extensionPath = vscode.extensions.getExtension(extensionId)!.extensionPath;
    assert.ok(skipFiles.includes('<node_internals>/**'), String(skipFiles));
    assert.ok(skipFiles.some((p) => p.startsWith(extensionPath) && p.endsWith('/**')), String(skipFiles));
    assert.ok(skipFiles.includes('**/node_modules/@asyncinfo/runtime/**'), String(skipFiles));
  });

  it('attaches to a program listening on TCP with a token, and cancels its op', async () => {
    const a = await extensionApi();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncops-attach-'));
    const addressFile = path.join(dir, 'address');
    const token = 'test-token-' + Math.random().toString(36).slice(2);
    const program: ChildProcess = spawn(process.execPath, ['--require', path.join(repoRoot, 'dist', 'agent.js'), fixture('view', 'listening.js')], {
      env: { ...process.env, NODE_OPTIONS: '', ASYNCINFO_LISTEN: '127.0.0.1:0', ASYNCINFO_LISTEN_FILE: addressFile, ASYNCINFO_TOKEN: token },
      stdio: 'ignore',
    });
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }), () => program.kill());
    const address = await until(() => fs.existsSync(addressFile) && fs.readFileSync(addressFile, 'utf8').trim(), 'the address file');

    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('asyncOperations.attach', { address, token: 'wrong' })), /token/);
    await vscode.commands.executeCommand('asyncOperations.attach', { address, token });
    const attached = await until(() => a.store.processes().find((p) => p.source === 'attach' && p.hello.pid === program.pid), 'the attached process');
    const op = await until(() => a.store.children(attached.key, null, 0, 10).find((o) => o.name === 'serveRequests'), 'its op');
    await vscode.commands.executeCommand('asyncOperations.cancelOperation', { type: 'op', key: attached.key, id: op.id });
    const exited = new Promise<number | null>((resolve) => program.once('exit', resolve));
    await until(() => a.store.op(attached.key, op.id)?.endT !== undefined, 'the op to end');
    // Its work resolves once canceled, yet the op stays Canceled, as the contract says.
    assert.equal(a.store.op(attached.key, op.id)?.status, 'Canceled');
    assert.equal(a.store.op(attached.key, op.id)?.cancelSource, 'client');
    await withTimeout(exited, 10_000, 'the program did not exit');
    await until(() => a.store.process(attached.key)?.connected === false, 'the process to show as gone');
    a.feed.forget(attached.key);
  });
});
