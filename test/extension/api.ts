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
