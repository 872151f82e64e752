// Helpers that need the extension host (they import 'vscode'); support.ts stays loadable by the
// harness, which runs outside VS Code.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OpView } from '../../src/core/model';
import type { ExtensionApi } from '../../src/extension';
import { extensionId } from './support';

/** The extension's API (activating it if needed): its store, tree and controller. */
export async function extensionApi(): Promise<ExtensionApi> {
  const extension = vscode.extensions.getExtension<ExtensionApi>(extensionId);
  if (!extension) throw new Error(`${extensionId} is not installed`);
  return extension.activate();
}

export interface TraceWorkspace {
  /** A fresh folder for the test's files. */
  readonly dir: string;
  readonly api: ExtensionApi;
  /** Undone after the test, newest first (a debug session stopped, a file removed). */
  readonly cleanups: (() => unknown)[];
}

/** Mocha hooks for tests that write and open traces: before each test the extension's API and a
 *  fresh folder; after it, the test's cleanups, every opened trace forgotten, the folder removed.
 *  Read its fields inside the tests (they are set anew for each). */
export function useTraceWorkspace(prefix: string): TraceWorkspace {
  const workspace = { dir: '', api: undefined as unknown as ExtensionApi, cleanups: [] as (() => unknown)[] };
  beforeEach(async () => {
    workspace.api = await extensionApi();
    workspace.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const cleanup of workspace.cleanups.splice(0).reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    for (const p of workspace.api.store.processes()) if (p.source === 'trace') workspace.api.feed.forget(p.key);
    fs.rmSync(workspace.dir, { recursive: true, force: true });
  });
  return workspace;
}

/** Every op of a process, depth first in the tree's order. */
export function allOps(a: ExtensionApi, key: string, parent: number | null = null): OpView[] {
  return a.store.children(key, parent, 0, 100_000).flatMap((op) => [op, ...allOps(a, key, op.id)]);
}

/** A row as it reads: its label, then its description. */
export function rowText(a: ExtensionApi, element: Parameters<ExtensionApi['tree']['getTreeItem']>[0]): string {
  const item = a.tree.getTreeItem(element);
  return `${String(item.label)} ${String(item.description ?? '')}`;
}

type Shown = { level: 'error' | 'warning' | 'info'; message: string };

/** Every notification `body` shows (error, warning, info), as the text handed to VS Code; none
 *  is shown for real meanwhile. */
export async function messagesShownBy(body: () => PromiseLike<unknown>): Promise<Shown[]> {
  const shown: Shown[] = [];
  const window = vscode.window as unknown as Record<string, unknown>;
  const names = { error: 'showErrorMessage', warning: 'showWarningMessage', info: 'showInformationMessage' } as const;
  const originals = Object.values(names).map((name) => [name, window[name]] as const);
  for (const [level, name] of Object.entries(names) as [Shown['level'], string][]) {
    window[name] = (message: string) => {
      shown.push({ level, message });
      return Promise.resolve(undefined);
    };
  }
  try {
    await body();
  } finally {
    for (const [name, original] of originals) window[name] = original;
  }
  return shown;
}

/** The error messages `body` shows. */
export async function errorsShownBy(body: () => PromiseLike<unknown>): Promise<string[]> {
  return (await messagesShownBy(body)).filter((m) => m.level === 'error').map((m) => m.message);
}

export interface ProtocolPeer {
  readonly socket: net.Socket;
  /** Writes messages as NDJSON lines. */
  send(...messages: object[]): void;
  close(): void;
}

/** A "program" that speaks the channel protocol itself over a real socket to the extension's
 *  channel (hello with the window's token first): tests control exactly what a program says.
 *  `answer` replies to each command it receives. */
export function protocolPeer(a: ExtensionApi, hello: Record<string, unknown>, answer: (command: { type: string; req: number; id?: number; ids?: number[] }) => object): ProtocolPeer {
  const socket = net.connect(a.channelAddress!);
  socket.setEncoding('utf8');
  let pending = '';
  const send = (...messages: object[]) => socket.write(messages.map((m) => `${JSON.stringify(m)}\n`).join(''));
  socket.on('data', (chunk: string) => {
    pending += chunk;
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const command = JSON.parse(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      send({ type: 'reply', req: command.req, ...answer(command) });
    }
  });
  send({ type: 'hello', protocol: 1, ppid: 1, title: 'node', argv: ['node', 'peer.js'], cwd: '/', node: 'v20', session: null, timeOrigin: Date.now(), token: a.channelToken, ...hello });
  return { socket, send, close: () => socket.destroy() };
}
