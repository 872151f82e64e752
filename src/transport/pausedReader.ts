// A program paused at a breakpoint runs no JavaScript, so its agent can neither send nor answer.
// The debug adapter can still evaluate in it: this reads the runtime's registry and applies
// cancel/close through the debug session while the program is paused. Only numbers we checked
// ever go into an expression; nothing received from a program is evaluated.
import { HUB_KEY, type CommandResult } from '../protocol/hub';
import type { AgentMessage } from '../protocol/messages';
import { decodeLine } from '../protocol/validate';
import type { PausedTarget } from './debugPort';

export interface PausedSnapshot {
  pid: number;
  /** The snapshot's messages, or null when no runtime is loaded in the program. */
  messages: AgentMessage[] | null;
  /** Lines that were not valid messages (dropped). */
  invalid: number;
}

const HUB = `globalThis[Symbol.for(${JSON.stringify(HUB_KEY)})]`;

async function evaluate(target: PausedTarget, expression: string): Promise<unknown> {
  let frameId: number | undefined;
  try {
    const trace = (await target.session.customRequest('stackTrace', { threadId: target.threadId, startFrame: 0, levels: 1 })) as
      { stackFrames?: { id?: number }[] } | undefined;
    frameId = trace?.stackFrames?.[0]?.id;
  } catch {
    frameId = undefined; // evaluate in the global scope instead
  }
  // 'clipboard' asks js-debug for the whole value, never a truncated preview.
  const reply = (await target.session.customRequest('evaluate', { expression, frameId, context: 'clipboard' })) as { result?: unknown } | undefined;
  let value: unknown = JSON.parse(String(reply?.result));
  if (typeof value === 'string') value = JSON.parse(value); // some adapters quote string results
  return value;
}

export async function readPausedSnapshot(target: PausedTarget): Promise<PausedSnapshot> {
  const value = (await evaluate(
    target,
    `(() => { const h = ${HUB}; return JSON.stringify({ pid: process.pid, text: h ? h.snapshotText() : null }); })()`,
  )) as { pid?: unknown; text?: unknown } | null;
  if (typeof value?.pid !== 'number') throw new Error('the debugger returned no snapshot');
  if (typeof value.text !== 'string') return { pid: value.pid, messages: null, invalid: 0 };
  const messages: AgentMessage[] = [];
  let invalid = 0;
  for (const line of value.text.split('\n')) {
    if (line.trim() === '') continue;
    const decoded = decodeLine(line);
    if (decoded.kind === 'message') messages.push(decoded.message);
    else if (decoded.kind === 'invalid') invalid++;
  }
  return { pid: value.pid, messages, invalid };
}

/** Cancels many ops in one evaluate; resolves with each id's answer, in order. */
export async function cancelManyWhilePaused(target: PausedTarget, ids: readonly number[]): Promise<CommandResult[]> {
  if (!ids.every((id) => Number.isInteger(id) && id > 0)) throw new Error('invalid operation ids');
  const value = (await evaluate(
    target,
    `(() => { const h = ${HUB}; return JSON.stringify(${JSON.stringify(ids)}.map((id) => h ? h.cancel(id) : { ok: false, code: 'NOT_FOUND', message: 'no async runtime in this process' })); })()`,
  )) as CommandResult[];
  if (!Array.isArray(value) || value.length !== ids.length || !value.every((r) => typeof r?.ok === 'boolean')) throw new Error('the debugger returned no answer');
  return value;
}

export async function commandWhilePaused(target: PausedTarget, type: 'cancel' | 'close', id: number): Promise<CommandResult> {
  if (!Number.isInteger(id) || id <= 0) throw new Error(`invalid operation id ${id}`);
  const value = (await evaluate(
    target,
    `(() => { const h = ${HUB}; return JSON.stringify(h ? h.${type}(${id}) : { ok: false, code: 'NOT_FOUND', message: 'no async runtime in this process' }); })()`,
  )) as CommandResult;
  if (typeof value?.ok !== 'boolean') throw new Error('the debugger returned no answer');
  if (!value.ok && (typeof value.code !== 'string' || typeof value.message !== 'string')) throw new Error('the debugger returned a malformed answer');
  return value;
}
