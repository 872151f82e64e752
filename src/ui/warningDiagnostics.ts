// Warnings in the Problems panel, at each op's creation site: source `Async Operations`, code =
// the warning's id. Kept per op as the store reports changes, so a change costs the ops it names;
// a process that left (or whose session ended) takes its diagnostics with it.
import * as vscode from 'vscode';
import type { OperationStoreApi, OpView, ProcessView, StoreChange } from '../core/model';
import { DisposableList } from '../common/disposable';
import { opWarnings, siteLocation } from './presentation';

export const DIAGNOSTIC_SOURCE = 'Async Operations';
/** Per file: 100,000 ops of one line all pending too long say nothing more than the first thousand,
 *  and a change would copy them all. */
export const MAX_DIAGNOSTICS_PER_FILE = 1000;

function firstDiagnostics(lists: Iterable<vscode.Diagnostic[]>): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  for (const list of lists) {
    for (const d of list) {
      if (out.length >= MAX_DIAGNOSTICS_PER_FILE) return out;
      out.push(d);
    }
  }
  return out;
}

interface Placed {
  readonly uri: string;
  /** The warning ids it shows, to skip the redraw when only other fields changed (progress). */
  readonly ids: string;
  readonly diagnostics: vscode.Diagnostic[];
}

export class WarningDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('asyncOperations');
  private readonly disposables = new DisposableList();
  /** Per process, per op: where its diagnostics went. */
  private readonly placed = new Map<string, Map<number, Placed>>();
  /** Per file: every op's diagnostics there (several processes may share a file). */
  private readonly byFile = new Map<string, Map<string, vscode.Diagnostic[]>>();

  constructor(private readonly store: OperationStoreApi) {
    this.disposables.add(this.collection);
    this.disposables.add(store.onDidChange((change) => this.update(change)));
    for (const p of store.processes()) this.rescan(p.key, new Set());
  }

  private update(change: StoreChange): void {
    const dirty = new Set<string>();
    for (const key of change.processes) this.rescan(key, dirty);
    for (const [key, ids] of change.ops) {
      if (change.processes.has(key)) continue;
      const process = this.store.process(key);
      for (const id of ids) this.place(key, id, process ? this.store.op(key, id) : undefined, process, dirty);
    }
    for (const uri of dirty) {
      const entries = this.byFile.get(uri);
      if (!entries || entries.size === 0) this.byFile.delete(uri);
      this.collection.set(vscode.Uri.parse(uri), entries ? firstDiagnostics(entries.values()) : []);
    }
  }

  /** A whole process: its ops' diagnostics made again (or removed when it left). */
  private rescan(key: string, dirty: Set<string>): void {
    const process = this.store.process(key);
    const known = this.placed.get(key);
    if (known) for (const id of [...known.keys()]) this.place(key, id, undefined, process, dirty);
    if (!process || process.warningCount === 0) {
      this.placed.delete(key);
      return;
    }
    this.store.forEachOp(key, (op) => {
      if (op.warnings.length > 0) this.place(key, op.id, op, process, dirty);
    });
  }

  private place(key: string, id: number, op: OpView | undefined, process: ProcessView | undefined, dirty: Set<string>): void {
    let ops = this.placed.get(key);
    const before = ops?.get(id);
    const slot = `${key}/${id}`;
    if (before && op && process && before.ids === op.warnings.join()) return;
    if (before) {
      ops!.delete(id);
      this.byFile.get(before.uri)?.delete(slot);
      dirty.add(before.uri);
    }
    if (!op || !process || op.warnings.length === 0 || !op.site) return;
    const location = siteLocation(op.site);
    if (!location) return;
    const uri = location.uri.toString();
    if ((this.byFile.get(uri)?.size ?? 0) >= MAX_DIAGNOSTICS_PER_FILE) return; // the file shows enough
    const range = new vscode.Range(location.position, location.position);
    const diagnostics = opWarnings(op, process).map((w) => {
      const d = new vscode.Diagnostic(range, `${op.name} #${op.id} (pid ${process.hello.pid}): ${w.reason}. ${w.advice}`, vscode.DiagnosticSeverity.Warning);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = w.id;
      return d;
    });
    if (!ops) this.placed.set(key, (ops = new Map()));
    ops.set(id, { uri, ids: op.warnings.join(), diagnostics });
    let file = this.byFile.get(uri);
    if (!file) this.byFile.set(uri, (file = new Map()));
    file.set(slot, diagnostics);
    dirty.add(uri);
  }

  dispose(): void {
    this.disposables.dispose();
    this.placed.clear();
    this.byFile.clear();
  }
}
