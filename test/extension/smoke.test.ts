// Smoke: the extension is there and activates (from the source folder, or from the installed
// .vsix in `npm run test:vsix`), and a plain Node debug session starts and ends.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { extensionId, fixture, repoRoot, withTimeout } from './support';

describe('smoke', () => {
  it('the extension is present and activates', async () => {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `${extensionId} is not installed`);
    await extension.activate();
    assert.equal(extension.isActive, true);
    const fromSource = path.resolve(extension.extensionPath) === repoRoot;
    if (process.env.ASYNCOPS_EXPECT_INSTALLED_EXTENSION === '1') {
      assert.equal(fromSource, false, `expected the installed .vsix, got ${extension.extensionPath}`);
      assert.equal(extension.packageJSON.main, './dist/extension.js');
    } else {
      assert.equal(fromSource, true, `expected the source folder, got ${extension.extensionPath}`);
    }
  });

  it('a node debug session of a fixture program starts and ends', async () => {
    const name = 'smoke: hello.js';
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const listener = vscode.debug.onDidStartDebugSession((session) => {
        if (session.name === name) {
          listener.dispose();
          resolve(session);
        }
      });
    });
    const ended = new Promise<vscode.DebugSession>((resolve) => {
      const listener = vscode.debug.onDidTerminateDebugSession((session) => {
        if (session.name === name) {
          listener.dispose();
          resolve(session);
        }
      });
    });
    const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
      type: 'node',
      request: 'launch',
      name,
      program: fixture('smoke', 'hello.js'),
      console: 'internalConsole',
    });
    assert.equal(ok, true, 'startDebugging returned false');
    const session = await withTimeout(started, 20_000, 'the debug session did not start');
    assert.equal(session.type, 'pwa-node');
    await withTimeout(ended, 30_000, 'the debug session did not end');
  });

  it('Show Timeline opens its page, whose bundled script and stylesheet the extension carries', async () => {
    const extension = vscode.extensions.getExtension<ExtensionApi>(extensionId)!;
    const api = await extension.activate();
    for (const file of ['dist/timeline.js', 'media/timeline.css']) assert.ok(existsSync(path.join(extension.extensionPath, file)), `${file} is missing`);
    await vscode.commands.executeCommand('asyncOperations.showTimeline');
    const deadline = Date.now() + 30_000;
    while (!api.timelineReady() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(api.timelineReady(), true, 'the timeline page did not run its script');
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Async Operations Timeline');
    assert.ok(tab, 'no timeline tab');
    await vscode.window.tabGroups.close(tab);
    assert.equal(api.timelineReady(), false, 'the panel outlived its tab');
  });
});
