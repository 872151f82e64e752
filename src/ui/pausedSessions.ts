// A program paused at a breakpoint runs no JavaScript, so its agent can neither send nor answer.
// The debug adapter can still evaluate in it: this reads the runtime's registry and applies
// cancel/close through the debug session while the program is paused. Only numbers we checked
// ever go into an expression; nothing received from a program is evaluated.
import * as vscode from 'vscode';
import { HUB_KEY, type CommandResult } from '../protocol/hub';

export interface PausedTarget {
  readonly session: vscode.DebugSession;
  readonly threadId: number;
}

export interface PausedSnapshot {
  pid: number;
  /** NDJSON snapshot text, or null when no runtime is loaded in the program. */
  text: string | null;
}

const HUB = `globalThis[Symbol.for(${JSON.stringify(HUB_KEY)})]`;

async function evaluate(target: PausedTarget, expression: string): Promise<unknown> {
  let frameId: number | undefined;
  try {
    const trace = await target.session.customRequest('stackTrace', { threadId: target.threadId, startFrame: 0, levels: 1 });
    frameId = trace?.stackFrames?.[0]?.id;
  } catch {
    frameId = undefined; // evaluate in the global scope instead
  }
  // 'clipboard' asks js-debug for the whole value, never a truncated preview.
  const reply = await target.session.customRequest('evaluate', { expression, frameId, context: 'clipboard' });
  let value: unknown = JSON.parse(String(reply?.result));
  if (typeof value === 'string') value = JSON.parse(value); // some adapters quote string results
  return value;
}

export async function readPausedSnapshot(target: PausedTarget): Promise<PausedSnapshot> {
  const value = (await evaluate(
    target,
    `(() => { const h = ${HUB}; return JSON.stringify({ pid: process.pid, text: h ? h.snapshotText() : null }); })()`,
  )) as PausedSnapshot;
  if (typeof value?.pid !== 'number') throw new Error('the debugger returned no snapshot');
  return value;
}

export async function commandWhilePaused(target: PausedTarget, type: 'cancel' | 'close', id: number): Promise<CommandResult> {
  if (!Number.isInteger(id) || id <= 0) throw new Error(`invalid operation id ${id}`);
  const value = (await evaluate(
    target,
    `(() => { const h = ${HUB}; return JSON.stringify(h ? h.${type}(${id}) : { ok: false, code: 'NOT_FOUND', message: 'no async runtime in this process' }); })()`,
  )) as CommandResult;
  if (typeof value?.ok !== 'boolean') throw new Error('the debugger returned no answer');
  return value;
}

const RESUMING = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'restartFrame']);

/** Watches Node debug adapters for stopped/continued, per session. */
export class PauseTracker implements vscode.Disposable {
  private readonly registrations: vscode.Disposable[];
  private readonly stoppedEmitter = new vscode.EventEmitter<PausedTarget>();
  private readonly continuedEmitter = new vscode.EventEmitter<vscode.DebugSession>();
  readonly onDidStop = this.stoppedEmitter.event;
  readonly onDidContinue = this.continuedEmitter.event;

  constructor() {
    const factory: vscode.DebugAdapterTrackerFactory = {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (message: { type?: string; event?: string; body?: { threadId?: number } }) => {
          if (message.type !== 'event') return;
          if (message.event === 'stopped') this.stoppedEmitter.fire({ session, threadId: message.body?.threadId ?? 0 });
          else if (message.event === 'continued') this.continuedEmitter.fire(session);
        },
        // Not every adapter announces `continued` after the client asked: watch the requests too.
        onWillReceiveMessage: (message: { type?: string; command?: string }) => {
          if (message.type === 'request' && RESUMING.has(message.command ?? '')) this.continuedEmitter.fire(session);
        },
        onExit: () => this.continuedEmitter.fire(session),
      }),
    };
    this.registrations = ['pwa-node', 'node-terminal'].map((type) => vscode.debug.registerDebugAdapterTrackerFactory(type, factory));
  }

  dispose(): void {
    for (const r of this.registrations) r.dispose();
    this.stoppedEmitter.dispose();
    this.continuedEmitter.dispose();
  }
}
