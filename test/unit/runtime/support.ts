// Shared by the runtime's tests: they run against the built bundle, `dist/runtime.js`, which is
// what programs get.
import * as assert from 'node:assert';
import { spawn } from 'node:child_process';
import * as dc from 'node:diagnostics_channel';
import * as path from 'node:path';
import type * as Runtime from '../../../src/runtime/index';
import type { LifecycleMessage } from '../../../src/protocol/messages';
import type { AsyncInfoHub } from '../../../src/protocol/hub';

export type RuntimeModule = typeof Runtime;
export type { LifecycleMessage };

export const RUNTIME_PATH = path.resolve(__dirname, '../../../../dist/runtime.js');
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const runtime: RuntimeModule = require(RUNTIME_PATH);
export const { AsyncInfo, AsyncStatus, AsyncInfoError } = runtime;

/** What the hub looks like to an agent (the protocol's view) plus this version's settings. */
export function hub(): AsyncInfoHub {
  return (globalThis as unknown as Record<symbol, AsyncInfoHub>)[Symbol.for(runtime.HUB_KEY)];
}

export const E_ILLEGAL_METHOD_CALL = -2147483634;
export const E_ILLEGAL_STATE_CHANGE = -2147483635;
export const E_ILLEGAL_DELEGATE_ASSIGNMENT = -2147483624;
export const E_FAIL = -2147467259;

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = unknown>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

/** Lets every pending microtask and one macrotask turn run: whatever settles, has settled. */
export function settled(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function assertAsyncInfoError(fn: () => unknown, code: string, number: number): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof AsyncInfoError, `expected an AsyncInfoError, got ${String(error)}`);
    assert.strictEqual(error.code, code);
    assert.strictEqual(error.number, number);
    return true;
  });
}

/** Collects what the runtime publishes on `asyncinfo:lifecycle` until `stop()`. */
export function listen(): { messages: LifecycleMessage[]; of(id: number): LifecycleMessage[]; stop(): void } {
  const messages: LifecycleMessage[] = [];
  const onMessage = (message: unknown) => { messages.push(message as LifecycleMessage); };
  dc.subscribe(runtime.LIFECYCLE_CHANNEL, onMessage);
  return {
    messages,
    of: (id) => messages.filter((m) => m.id === id),
    stop: () => { dc.unsubscribe(runtime.LIFECYCLE_CHANNEL, onMessage); },
  };
}

/** `file:line:column` of the caller's caller's line, as a stack reports it (no source maps). */
export function lineOfCaller(): { file: string; line: number } {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, lineOfCaller);
  const frame = holder.stack!.split('\n')[1];
  const match = /\(?([^()\s]+):(\d+):(\d+)\)?$/.exec(frame.trim());
  assert.ok(match, `unreadable frame: ${frame}`);
  return { file: match[1], line: Number(match[2]) };
}

/**
 * Runs `main(runtime)` in a fresh `node` (own heap, own uncaughtException, optional flags) and
 * returns what it resolves with. `main` must be self-contained: only its source crosses over.
 */
export function runInChild<R>(
  main: (runtime: RuntimeModule) => Promise<R> | R,
  options: { flags?: string[]; env?: NodeJS.ProcessEnv; node?: string } = {},
): Promise<R> {
  const source = `const rt = require(${JSON.stringify(RUNTIME_PATH)});
Promise.resolve((${main.toString()})(rt)).then(
  (r) => process.stdout.write('\\n@@result ' + JSON.stringify(r === undefined ? null : r) + '\\n'),
  (e) => { process.stdout.write('\\n@@error ' + JSON.stringify(String(e && e.stack || e)) + '\\n'); });`;
  const child = spawn(options.node ?? process.execPath, [...(options.flags ?? []), '-e', source], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  return new Promise<R>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('@@result ') || l.startsWith('@@error '));
      if (line?.startsWith('@@result ')) resolve(JSON.parse(line.slice('@@result '.length)) as R);
      else if (line) reject(new Error(`child failed: ${JSON.parse(line.slice('@@error '.length))}`));
      else reject(new Error(`child exited ${code} without a result\n${stdout}\n${stderr}`));
    });
  });
}

/** One test per case: the call throws a TypeError whose message matches, and leaves no op in the
 *  registry and no event on the channel (bad input is refused before anything is made). */
export function itRefusesLeavingNothing(cases: readonly (readonly [string, () => unknown, RegExp])[]): void {
  for (const [what, call, message] of cases) {
    it(what, () => {
      const events = listen();
      try {
        const before = hub().snapshot().length;
        assert.throws(call, (error: unknown) => error instanceof TypeError && message.test(error.message));
        assert.strictEqual(hub().snapshot().length, before);
        assert.deepStrictEqual(events.messages, []);
      } finally {
        events.stop();
      }
    });
  }
}
