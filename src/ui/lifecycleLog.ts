// The "Async Operations" log: one line per transition, at a level that fits it, so the channel's
// own log level (Developer: Set Log Level...) controls the volume.
import * as vscode from 'vscode';
import type { AgentMessage, HelloMessage } from '../protocol/messages';

export class LifecycleLog {
  /** `nameOf` finds an op's name (the store has it; the log keeps no copy of its own). */
  constructor(private readonly channel: vscode.LogOutputChannel, private readonly nameOf: (key: string, id: number) => string | undefined) {}

  process(_key: string, hello: HelloMessage, how: string): void {
    this.channel.info(`[pid ${hello.pid}] ${how}: ${hello.argv.join(' ')} (${hello.node})`);
  }

  debugInfo(text: string): void {
    this.channel.debug(text);
  }

  processEnded(_key: string, hello: HelloMessage | undefined): void {
    if (hello) this.channel.info(`[pid ${hello.pid}] disconnected`);
  }

  message(key: string, pid: number, m: AgentMessage): void {
    const log = this.channel;
    // Most events log at Trace: skip building their text unless that level is on.
    const level = log.logLevel;
    if (level === vscode.LogLevel.Off || level > levelOf(m.type)) return;
    const label = (id: number) => `[pid ${pid}] #${id} ${this.nameOf(key, id) ?? ''}`.trimEnd();
    switch (m.type) {
      case 'created':
        log.trace(`${label(m.id)}: created (${m.kind}${m.parent !== null ? `, parent #${m.parent}` : ''}${m.site ? ` at ${m.site}` : ''})`);
        break;
      case 'progress':
        log.trace(`${label(m.id)}: progress ${safeJson(m.value)}`);
        break;
      case 'cancelRequested':
        log.info(`${label(m.id)}: cancel requested by the ${m.source}`);
        break;
      case 'completed':
        log.debug(`${label(m.id)}: Completed`);
        break;
      case 'canceled':
        log.info(`${label(m.id)}: Canceled`);
        break;
      case 'error':
        log.warn(`${label(m.id)}: Error 0x${(m.errorCode >>> 0).toString(16).toUpperCase()} ${m.message}`);
        break;
      case 'closed':
        log.trace(`${label(m.id)}: closed`);
        break;
      case 'dropped':
        log.warn(`[pid ${pid}] the program dropped ${m.count} events: this window read too slowly`);
        break;
    }
  }
}

function levelOf(type: AgentMessage['type']): vscode.LogLevel {
  switch (type) {
    case 'cancelRequested':
    case 'canceled':
      return vscode.LogLevel.Info;
    case 'completed':
      return vscode.LogLevel.Debug;
    case 'error':
    case 'dropped':
      return vscode.LogLevel.Warning;
    default:
      return vscode.LogLevel.Trace;
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
