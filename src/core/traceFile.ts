// Trace files: the agent's NDJSON stream saved verbatim (hello, snapshot, live messages). A
// recording by the extension may hold several processes: each process's hello comes before its
// messages, and every other line carries `"proc": <pid>` (receivers ignore unknown fields, so
// both kinds load here and replay through the store like a live channel).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { AgentMessage, HelloMessage } from '../protocol/messages';
import { MAX_LINE_BYTES } from '../protocol/messages';
import type { OperationStoreApi } from './model';
import { validateMessage } from '../protocol/validate';

export { TraceRecorder } from './traceRecorder';

/** A trace line that cannot be read; `line` is 1-based. */
export class TraceFormatError extends Error {
  constructor(readonly file: string, readonly line: number, readonly detail: string) {
    super(`${path.basename(file)}, line ${line}: ${detail}`);
    this.name = 'TraceFormatError';
  }
}

export interface TraceProcess {
  readonly pid: number;
  /** The process's first hello; a later one (the agent reconnected) is among its messages. */
  readonly hello: HelloMessage;
  readonly messages: AgentMessage[];
}

export interface TraceContents {
  readonly processes: TraceProcess[];
  readonly lines: number;
}

export interface ReadTraceOptions {
  /** Called after each chunk read, for a progress bar. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** Reads a whole trace, streaming it line by line; throws TraceFormatError naming the bad line. */
export async function readTrace(file: string, options: ReadTraceOptions = {}): Promise<TraceContents> {
  const { size } = await stat(file);
  const parser = new TraceParser(file);
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let bytesRead = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    bytesRead += chunk.length;
    const text = rest + decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      parser.line(text.slice(start, nl), false);
      start = nl + 1;
    }
    rest = text.slice(start);
    if (rest.length > MAX_LINE_BYTES) parser.fail(parser.lines + 1, 'the line is longer than 1 MiB: this is not a trace file');
    options.onProgress?.(bytesRead, size);
  }
  rest += decoder.end();
  if (rest.length > 0) parser.line(rest, true);
  return parser.finish();
}

/** The store key of a process loaded from a trace. */
export function traceProcessKey(file: string, pid: number): string {
  return `trace:${path.resolve(file)}:${pid}`;
}

export interface LoadTraceOptions extends ReadTraceOptions {
  /** Each process as loaded, with its messages (a replay keeps them to rebuild any moment). */
  onLoaded?: (key: string, process: TraceProcess) => void;
}

/** Reads a trace into the store, read-only (source 'trace'), replacing an earlier load of the same file. */
export async function loadTrace(store: OperationStoreApi, file: string, options: LoadTraceOptions = {}): Promise<string[]> {
  const trace = await readTrace(file, options);
  const keys: string[] = [];
  for (const process of trace.processes) {
    const key = traceProcessKey(file, process.pid);
    store.resetProcess(key, process.hello, 'trace');
    for (const message of process.messages) store.apply(key, message);
    options.onLoaded?.(key, process);
    keys.push(key);
  }
  return keys;
}

class TraceParser {
  lines = 0;
  private readonly processes = new Map<number, TraceProcess>();
  /** The process of lines without `proc`: the latest hello's. */
  private current: TraceProcess | undefined;

  constructor(private readonly file: string) {}

  fail(line: number, detail: string): never {
    throw new TraceFormatError(this.file, line, detail);
  }

  line(raw: string, endsWithoutNewline: boolean): void {
    const n = ++this.lines;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return; // blank lines are allowed between messages
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (endsWithoutNewline) this.fail(n, 'the file ends in the middle of this line (it was cut off while being written)');
      this.fail(n, `not JSON (${(error as Error).message})`);
    }
    const decoded = validateMessage(value);
    if (decoded.kind === 'invalid') this.fail(n, decoded.problem);
    const type = decoded.kind === 'message' ? decoded.message.type : decoded.type;
    if (decoded.kind === 'message' && decoded.message.type === 'hello') {
      this.onHello(decoded.message);
      return;
    }
    if (!this.current) this.fail(n, `the first message must be "hello", not ${JSON.stringify(type).slice(0, 80)}`);
    let target = this.current;
    const proc = (value as { proc?: unknown }).proc;
    if (proc !== undefined) {
      const known = typeof proc === 'number' ? this.processes.get(proc) : undefined;
      if (!known) this.fail(n, `unknown process: "proc": ${JSON.stringify(proc).slice(0, 40)} has no hello before this line`);
      target = known;
    }
    // types this version does not know come from newer agents: skipped, as receivers do
    if (decoded.kind === 'message') target.messages.push(decoded.message);
  }

  finish(): TraceContents {
    if (this.processes.size === 0) this.fail(1, this.lines === 0 ? 'the file is empty' : 'the file has no messages (only blank lines)');
    return { processes: [...this.processes.values()], lines: this.lines };
  }

  private onHello(hello: HelloMessage): void {
    const known = this.processes.get(hello.pid);
    if (known) {
      known.messages.push(hello);
      this.current = known;
    } else {
      this.current = { pid: hello.pid, hello, messages: [] };
      this.processes.set(hello.pid, this.current);
    }
  }
}

