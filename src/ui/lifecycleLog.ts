// The "Async Operations" log: one line per transition, at a level that fits it, so the channel's
// own log level (Developer: Set Log Level...) controls the volume.
import * as vscode from 'vscode';
import type { AgentMessage, HelloMessage } from '../protocol/messages';

export class LifecycleLog {
  private readonly names = new Map<string, Map<number, string>>();

  constructor(private readonly channel: vscode.LogOutputChannel) {}

  process(key: string, hello: HelloMessage, how: string): void {
    this.channel.info(`[pid ${hello.pid}] ${how}: ${hello.argv.join(' ')} (${hello.node})`);
    this.names.set(key, new Map());
  }

  debugInfo(text: string): void {
    this.channel.debug(text);
  }

  processEnded(key: string, hello: HelloMessage | undefined): void {
    if (hello) this.channel.info(`[pid ${hello.pid}] disconnected`);
    this.names.delete(key);
  }

  message(key: string, pid: number, m: AgentMessage): void {
    const names = this.names.get(key);
    const log = this.channel;
    if (log.logLevel === vscode.LogLevel.Off || !names) return;
    const label = (id: number) => `[pid ${pid}] #${id} ${names.get(id) ?? ''}`.trimEnd();
    switch (m.type) {
      case 'created':
        names.set(m.id, m.name);
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
        names.delete(m.id);
        break;
      case 'dropped':
        log.warn(`[pid ${pid}] the program dropped ${m.count} events: this window read too slowly`);
        break;
    }
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
