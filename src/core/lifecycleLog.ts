// The lifecycle log: one line per transition, at the level the protocol's table gives its type,
// so the log's own level (in VS Code: Developer: Set Log Level...) controls the volume.
import type { Logger, LogLevel } from '../common/logger';
import type { AgentMessage, HelloMessage } from '../protocol/messages';
import { describeHresult } from '../protocol/hresults';
import { isKnownType, MESSAGE_SCHEMAS } from '../protocol/schema';

export class LifecycleLog {
  /** `nameOf` finds an op's name (the store has it; the log keeps no copy of its own). */
  constructor(private readonly logger: Logger, private readonly nameOf: (key: string, id: number) => string | undefined) {}

  process(hello: HelloMessage, how: string): void {
    this.logger.log('info', `[pid ${hello.pid}] ${how}: ${hello.argv.join(' ')} (${hello.node})`);
  }

  processEnded(hello: HelloMessage): void {
    this.logger.log('info', `[pid ${hello.pid}] disconnected`);
  }

  debug(text: string): void {
    this.logger.log('debug', text);
  }

  warn(text: string): void {
    this.logger.log('warning', text);
  }

  message(key: string, pid: number, m: AgentMessage): void {
    if (!isKnownType(m.type)) return;
    const level: LogLevel = MESSAGE_SCHEMAS[m.type].severity;
    // Most events log at trace: build no text unless that level is read.
    if (!this.logger.enabled(level)) return;
    const label = (id: number) => `[pid ${pid}] #${id} ${this.nameOf(key, id) ?? ''}`.trimEnd();
    let text: string;
    switch (m.type) {
      case 'created':
        text = `${label(m.id)}: created (${m.kind}${m.parent !== null ? `, parent #${m.parent}` : ''}${m.site ? ` at ${m.site}` : ''})`;
        break;
      case 'progress':
        text = `${label(m.id)}: progress ${safeJson(m.value)}`;
        break;
      case 'cancelRequested':
        text = `${label(m.id)}: cancel requested by the ${m.source}`;
        break;
      case 'completed':
        text = `${label(m.id)}: Completed`;
        break;
      case 'canceled':
        text = `${label(m.id)}: Canceled`;
        break;
      case 'error':
        text = `${label(m.id)}: Error ${describeHresult(m.errorCode)} ${m.message}${m.observed === false ? ' (nothing could see it)' : ''}`;
        break;
      case 'errorObserved':
        text = `${label(m.id)}: its error was looked at after all`;
        break;
      case 'closed':
        text = `${label(m.id)}: closed`;
        break;
      case 'dropped':
        text = `[pid ${pid}] the program dropped ${m.count} events: this window read too slowly`;
        break;
      default:
        return; // stream bookkeeping (hello, snapshots, replies) is logged where it happens
    }
    this.logger.log(level, text);
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
