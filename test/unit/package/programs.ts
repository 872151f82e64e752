// The programs a user of @asyncinfo/runtime writes, run against the installed tarball by
// runtimePackage.test.ts. Each prints one JSON line of what it saw.

/** A foreign IAsyncInfo as a projection hands one out, small enough to inline in each program. */
const FOREIGN_OP = `
function foreignOp(id) {
  let status = 0, handler = null, result;
  return {
    id, get status() { return status; }, errorCode: 0,
    get completed() { return handler; },
    set completed(h) { handler = h; if (status !== 0) h(this, status); },
    cancel() { if (status === 0) { status = 2; setImmediate(() => handler && handler(this, 2)); } },
    close() { if (status === 0) throw new Error('still running'); },
    getResults() { return result; },
    finish(value) { status = 1; result = value; if (handler) handler(this, 1); },
  };
}`;

export const CJS_PROGRAM = `'use strict';
const { AsyncInfo, AsyncStatus, AsyncInfoError } = require('@asyncinfo/runtime');
${FOREIGN_OP}
(async () => {
  const op = AsyncInfo.runOperation(async () => 21 * 2, { name: 'answer' });
  const foreign = foreignOp(9);
  const shim = AsyncInfo.observe(foreign);
  setImmediate(() => foreign.finish('from afar'));
  const promiseOp = AsyncInfo.fromPromise(Promise.resolve('promised'));
  let illegal;
  try { op.getResults(); } catch (e) { illegal = e instanceof AsyncInfoError && e.code; }
  console.log(JSON.stringify({
    results: [await op, await shim, await promiseOp],
    status: AsyncStatus[op.status],
    illegal,
    resolved: require.resolve('@asyncinfo/runtime').replace(/\\\\/g, '/').split('/node_modules/')[1],
  }));
})();
`;

export const ESM_PROGRAM = `
import { AsyncInfo, AsyncStatus, LIFECYCLE_CHANNEL } from '@asyncinfo/runtime';
import runtime from '@asyncinfo/runtime';
import { createRequire } from 'node:module';
import { subscribe } from 'node:diagnostics_channel';
const required = createRequire(import.meta.url)('@asyncinfo/runtime');
const seen = [];
subscribe(LIFECYCLE_CHANNEL, (m) => seen.push(m.type));
const op = AsyncInfo.runActionWithProgress(async (token, report) => { report(1); });
await op;
const viaRequire = required.AsyncInfo.runAction(async () => {});
console.log(JSON.stringify({
  status: AsyncStatus[op.status],
  oneImplementation: required.AsyncInfo === AsyncInfo && runtime.AsyncInfo === AsyncInfo,
  uniqueIds: viaRequire.id !== op.id,
  seen,
}));
`;

/** Uses every factory and member under --strict, through the `types` conditions of `exports`. */
const TYPED_BODY = `
const action: IAsyncAction = AsyncInfo.runAction(async (token: CancellationToken) => {
  const aborted: boolean = token.isCancellationRequested || token.signal.aborted;
  void aborted;
});
const operation: IAsyncOperation<number> = AsyncInfo.runOperation(async () => 42, { name: 'answer' });
const actionWithProgress: IAsyncActionWithProgress<string> = AsyncInfo.runActionWithProgress<string>(async (_t, report) => report('half'));
const download: IAsyncOperationWithProgress<string, number> = AsyncInfo.runOperationWithProgress<string, number>(
  async (_token, report) => { report(50); return 'text'; });

download.progress = (op: IAsyncOperationWithProgress<string, number>, percent: number) => { void op; void percent; };
download.completed = (op, status: AsyncStatus) => {
  if (status === AsyncStatus.Completed) { const text: string = op.getResults(); void text; }
  op.close();
};
actionWithProgress.progress = null;
const members: [number, AsyncStatus, number] = [operation.id, operation.status, operation.errorCode];
void members;
action.cancel();
const handler: AsyncCompletedHandler<IAsyncAction> = (op) => { op.close(); };
action.completed = handler;
const progressHandler: AsyncProgressHandler<IAsyncActionWithProgress<string>, string> = (_op, value) => { const s: string = value; void s; };
actionWithProgress.progress = progressHandler;
const result: void = action.getResults();
void result;

declare const foreign: ForeignAsyncInfo<Uint8Array> & { progress: unknown };
const shim: IAsyncOperationWithProgress<Uint8Array, number> = AsyncInfo.observe<Uint8Array, number>(foreign, { name: 'ReadAsync' });
declare const foreignAction: ForeignAsyncInfo<void>;
const observedAction: IAsyncAction = AsyncInfo.observe(foreignAction, { kind: 'action' });
const options: ObserveOptions = { kind: 'operation' };
void options;
const fromPlain: IAsyncOperation<string> = AsyncInfo.fromPromise(Promise.resolve('x'), { controller: new AbortController(), cancel: () => {} });
declare const dynwinrt: Promise<string> & { progress(cb: (value: number) => void): unknown; cancel(): void };
const fromDynwinrt: IAsyncOperationWithProgress<string, number> = AsyncInfo.fromPromise(dynwinrt);
const fromOptions: FromPromiseOptions = { name: 'n' };
void fromOptions;

async function main(): Promise<void> {
  const n: number = await operation;
  const same: number = await AsyncInfo.toPromise(operation, { signal: new AbortController().signal });
  const bytes: Uint8Array = await shim;
  const s: string = await fromPlain + (await fromDynwinrt);
  void [n, same, bytes, s, observedAction];
}
void main();

AsyncInfo.configure({ sites: 'frame', parents: 'sync', retainTerminal: 10 });
const channel: string = LIFECYCLE_CHANNEL + HUB_KEY;
void channel;
try { operation.close(); } catch (e) {
  if (e instanceof AsyncInfoError) { const code: string = e.code; const n: number = e.number; void code; void n; }
}
const kind: OpKind = 'operationWithProgress';
void kind;
`;

const TYPED_IMPORTS = `{
  AsyncInfo, AsyncStatus, AsyncInfoError, LIFECYCLE_CHANNEL, HUB_KEY,
  type CancellationToken, type IAsyncAction, type IAsyncOperation, type IAsyncActionWithProgress,
  type IAsyncOperationWithProgress, type AsyncCompletedHandler, type AsyncProgressHandler, type ForeignAsyncInfo,
  type ObserveOptions, type FromPromiseOptions, type OpKind,
}`;

export const TYPED_ESM = `import ${TYPED_IMPORTS} from '@asyncinfo/runtime';\n${TYPED_BODY}`;
export const TYPED_CJS = `import ${TYPED_IMPORTS} from '@asyncinfo/runtime';\n${TYPED_BODY}`;

/** Run with `--require @asyncinfo/runtime/agent`: makes ops for the agent to ship, then exits. */
export const AGENT_PROGRAM = `'use strict';
const { AsyncInfo } = require('@asyncinfo/runtime');
${FOREIGN_OP}
const foreign = foreignOp(77);
const shim = AsyncInfo.observe(foreign, { name: 'observed op' });
const op = AsyncInfo.runOperation(async () => 1, { name: 'runtime op' });
const promiseOp = AsyncInfo.fromPromise(new Promise((r) => setTimeout(r, 50)), { name: 'promise op' });
setTimeout(() => foreign.finish(2), 20);
Promise.all([shim, op, promiseOp]).then(() => setTimeout(() => {}, 200));
`;

/** A second copy of the runtime (its path in argv[2]) beside the package: one hub between them. */
export const TWO_COPIES_PROGRAM = `'use strict';
const installed = require('@asyncinfo/runtime');
const other = require(process.argv[2]);
const never = new Promise(() => {});
const ops = [];
for (let i = 0; i < 10; i++) ops.push((i % 2 ? other : installed).AsyncInfo.runAction(() => never));
const hub = globalThis[Symbol.for(installed.HUB_KEY)];
const snapshotIds = hub.snapshot().filter((m) => m.type === 'created').map((m) => m.id);
const canceled = ops.map((op) => hub.cancel(op.id).ok && op.status === installed.AsyncStatus.Canceled);
console.log(JSON.stringify({
  distinct: installed.AsyncInfo !== other.AsyncInfo,
  ids: ops.map((op) => op.id),
  snapshotIds,
  canceled,
}));
process.exit(0);
`;
