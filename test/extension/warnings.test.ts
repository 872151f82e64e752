// Warnings in a real VS Code: a program that ignores a cancel, leaves a child running after its
// parent ends and lets an error go unseen gets the three warnings on its rows and in the Problems
// panel at the lines that made them; they clear when the program mends itself, and when the
// debug session ends.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProcessView } from '../../src/core/model';
import type { ExtensionApi } from '../../src/extension';
import { allOps, extensionApi, rowText } from './api';
import { fixture, until, withTimeout } from './support';

const PROGRAM = fixture('warnings', 'faulty.js');
const EXPECTED: Record<string, string> = { ignoresCancel: 'cancel-ignored', leftRunning: 'orphaned', failsUnseen: 'unobserved-error' };

/** 0-based line of the `@warn:<id>` marker in the program. */
function markedLine(id: string): number {
  return fs.readFileSync(PROGRAM, 'utf8').split('\n').findIndex((line) => line.includes(`@warn:${id}`));
}

function ourDiagnostics(): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(vscode.Uri.file(PROGRAM)).filter((d) => d.source === 'Async Operations');
}

async function startProgram(name: string): Promise<vscode.DebugSession> {
  const started = new Promise<vscode.DebugSession>((resolve) => {
    const l = vscode.debug.onDidStartDebugSession((s) => s.name === name && !s.parentSession && (l.dispose(), resolve(s)));
  });
  assert.equal(await vscode.debug.startDebugging(undefined, { type: 'node', request: 'launch', name, program: PROGRAM, console: 'internalConsole' }), true);
  return withTimeout(started, 20_000, `${name} did not start`);
}

/** Waits until the program's three ops show their warnings (cancel-ignored takes its 5 s). */
async function warned(a: ExtensionApi, before: Set<string>): Promise<ProcessView> {
  return until(() => {
    const p = a.store.processes().find((x) => !before.has(x.key) && x.connected && x.hello.argv.some((arg) => arg.endsWith('faulty.js')));
    if (!p) return undefined;
    const ops = allOps(a, p.key);
    return Object.entries(EXPECTED).every(([name, id]) => ops.find((op) => op.name === name)?.warnings.includes(id as never)) ? p : undefined;
  }, 'the three warnings', 30_000);
}

describe('warnings on operations', function () {
  this.timeout(90_000);

  it('three mistakes: on the rows, the process row count and the Problems panel at their lines; gone once the program mends them', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const session = await startProgram('faulty mends');
    try {
      const process = await warned(a, before);
      const ops = allOps(a, process.key);
      for (const [name, id] of Object.entries(EXPECTED)) {
        const op = ops.find((o) => o.name === name)!;
        const element = a.tree.opElement(process.key, op.id);
        const item = a.tree.getTreeItem(element);
        assert.equal((item.iconPath as vscode.ThemeIcon).id, 'warning', `${name}'s icon`);
        assert.match(String(item.description), /cancel ignored|orphaned|error nobody saw/, `${name}: ${rowText(a, element)}`);
        const tooltip = a.tree.resolveTreeItem(item, element).tooltip as vscode.MarkdownString;
        assert.match(tooltip.value, new RegExp(id), `${name}'s tooltip names the warning`);
      }
      // Nothing else in the program is warned about (awaited ops, the running ones under 60 s).
      assert.deepEqual(ops.filter((op) => op.warnings.length > 0).map((op) => op.name).sort(), Object.keys(EXPECTED).sort());
      assert.equal(a.store.process(process.key)!.warningCount, 3);
      assert.match(rowText(a, a.tree.processElement(process.key)), /3 warnings/);

      const diagnostics = await until(() => (ourDiagnostics().length === 3 ? ourDiagnostics() : undefined), 'three diagnostics');
      for (const id of Object.values(EXPECTED)) {
        const d = diagnostics.find((x) => x.code === id);
        assert.ok(d, `a diagnostic for ${id}`);
        assert.equal(d.range.start.line, markedLine(id), `${id} at its creation line`);
        assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      }

      const fix = ops.find((o) => o.name === 'fixItself')!;
      await a.feed.command(process.key, 'cancel', fix.id);
      await until(() => a.store.process(process.key)!.warningCount === 0, 'the warnings to clear once the program mends');
      await until(() => ourDiagnostics().length === 0, 'the Problems panel to clear');
      for (const name of Object.keys(EXPECTED)) {
        const op = allOps(a, process.key).find((o) => o.name === name)!;
        assert.notEqual((a.tree.getTreeItem(a.tree.opElement(process.key, op.id)).iconPath as vscode.ThemeIcon).id, 'warning', name);
      }
    } finally {
      await vscode.debug.stopDebugging(session);
    }
  });

  it('the session ends: its warnings leave the rows and the Problems panel', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const session = await startProgram('faulty ends');
    const process = await warned(a, before);
    await until(() => ourDiagnostics().length === 3, 'three diagnostics');
    await vscode.debug.stopDebugging(session);
    await until(() => a.store.process(process.key)?.ended, 'the session to end');
    assert.equal(a.store.process(process.key)!.warningCount, 0);
    assert.ok(allOps(a, process.key).every((op) => op.warnings.length === 0));
    await until(() => ourDiagnostics().length === 0, 'the Problems panel to clear');
  });

  it('an opened trace shows the warnings of its last moment, in the view and the Problems panel, until it is removed', async () => {
    const a = await extensionApi();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncops-warn-'));
    const file = path.join(dir, 'hang.ndjson');
    const site = `${PROGRAM}:14:10`;
    const lines = [
      { type: 'hello', protocol: 1, pid: 71, ppid: 1, title: 'node', argv: ['node', 'hang.js'], cwd: '/', node: 'v20', session: null, timeOrigin: 1_700_000_000_000 },
      { type: 'created', id: 1, t: 0, kind: 'action', name: 'hangs', parent: null, site },
      { type: 'created', id: 2, t: 10, kind: 'action', name: 'quick', parent: null, site },
      { type: 'completed', id: 2, t: 20 },
      { type: 'progress', id: 1, t: 90_000_000, value: 50 }, // the trace's last moment: 90 s in
    ];
    fs.writeFileSync(file, lines.map((m) => JSON.stringify(m)).join('\n') + '\n');
    let key: string | undefined;
    try {
      await vscode.commands.executeCommand('asyncOperations.openTrace', vscode.Uri.file(file));
      const trace = await until(() => a.store.processes().find((p) => p.source === 'trace' && p.hello.pid === 71), 'the trace');
      key = trace.key;
      await until(() => a.store.op(trace.key, 1)?.warnings.includes('long-pending'), 'long-pending at the last moment');
      assert.deepEqual(a.store.op(trace.key, 2)?.warnings, [], 'ended at once: nothing to say (never-closed needs 300 s)');
      assert.match(rowText(a, a.tree.opElement(trace.key, 1)), /pending 1 min/);
      await until(() => ourDiagnostics().some((d) => d.code === 'long-pending' && d.range.start.line === 13), 'its diagnostic at line 14');
      a.feed.forget(trace.key);
      key = undefined;
      await until(() => !ourDiagnostics().some((d) => d.code === 'long-pending'), 'the diagnostic to go with the trace');
    } finally {
      if (key) a.feed.forget(key);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is:warning and warning:<id> filter the view to the warned ops', async () => {
    const a = await extensionApi();
    const before = new Set(a.store.processes().map((p) => p.key));
    const session = await startProgram('faulty filter');
    try {
      const process = await warned(a, before);
      const names = (filter: Parameters<ExtensionApi['tree']['setFilter']>[0]) => {
        a.tree.setFilter(filter);
        return a.tree.getChildren(a.tree.processElement(process.key)).map((e) => (e.type === 'op' ? a.store.op(process.key, e.id)?.name : e.type));
      };
      assert.deepEqual(names({ warnings: new Set(['any']) }).sort(), Object.keys(EXPECTED).sort());
      assert.deepEqual(names({ warnings: new Set(['orphaned']) }), ['leftRunning']);
    } finally {
      a.tree.setFilter({});
      await vscode.debug.stopDebugging(session);
    }
  });
});
