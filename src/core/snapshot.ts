// A process's ops turned back into protocol messages, so a recording started mid-session (or a
// store saved to a trace) replays to the same state.
import type { CreatedMessage, ErrorMessage, LifecycleMessage } from '../protocol/messages';
import type { ProcessState } from './processState';

/** Every op in creation order: created, latest progress, cancelRequested, terminal, closed. */
export function snapshotOf(state: ProcessState): LifecycleMessage[] {
  const out: LifecycleMessage[] = [];
  for (const r of state.ops.values()) {
    if (r.released) continue; // the program no longer has it: a recording starts without it
    const { id } = r;
    const created: CreatedMessage = { type: 'created', id, t: r.createdT, kind: r.kind, name: r.name, parent: r.parent, site: r.site };
    if (r.stack !== undefined) created.stack = r.stack;
    if (r.source !== undefined) created.source = r.source;
    if (!r.canCancel) created.canCancel = false;
    if (r.attributes !== undefined) created.attributes = r.attributes;
    out.push(created);
    const endT = r.endT ?? r.createdT;
    if (r.hasProgress) out.push({ type: 'progress', id, t: r.createdT, value: r.progress });
    if (r.cancelRequested) out.push({ type: 'cancelRequested', id, t: r.cancelT ?? endT, source: r.cancelSource ?? 'program' });
    if (r.terminal) {
      const t = r.endT ?? r.createdT;
      if (r.status === 'Completed') out.push({ type: 'completed', id, t });
      else if (r.status === 'Error') {
        const error: ErrorMessage = { type: 'error', id, t, errorCode: r.errorCode, message: r.message ?? '' };
        if (r.errorUnobserved) error.observed = false;
        out.push(error);
      }
      else out.push({ type: 'canceled', id, t });
    }
    if (r.closed) out.push({ type: 'closed', id, t: endT });
  }
  return out;
}
