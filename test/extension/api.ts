// Helpers that need the extension host (they import 'vscode'); support.ts stays loadable by the
// harness, which runs outside VS Code.
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
