// The OpenTelemetry bridge against the real runtime (dist/runtime.js) and the OpenTelemetry SDK's
// in-memory exporter: one span per op with its parent, status, events and attributes.
import * as assert from 'node:assert/strict';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startOpenTelemetryBridge, type StopOpenTelemetryBridge } from '../../../src/otel/bridge';
import { AsyncInfo } from '../runtime/support';

const settle = (op: PromiseLike<unknown>) => Promise.resolve(op).then(() => undefined, () => undefined);
const hrMs = ([s, ns]: [number, number]) => s * 1000 + ns / 1e6;

describe('OpenTelemetry bridge', () => {
  let exporter: InMemorySpanExporter;
  let provider: BasicTracerProvider;
  let stop: StopOpenTelemetryBridge | undefined;
  const spans = () => exporter.getFinishedSpans();
  const span = (name: string) => {
    const found = spans().filter((s) => s.name === name);
    assert.equal(found.length, 1, `one span named ${name}`);
    return found[0];
  };
  const parentId = (s: ReadableSpan) => s.parentSpanContext?.spanId;

  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    stop = startOpenTelemetryBridge({ tracerProvider: provider });
  });
  afterEach(async () => {
    stop?.();
    await provider.shutdown();
  });

  it('one span per op: a child op is a child span, in the same trace, within its parent in time', async () => {
    const before = Date.now();
    const parent = AsyncInfo.runOperation(async () => {
      const child = AsyncInfo.runAction(async () => new Promise((r) => setTimeout(r, 5)), { name: 'child' });
      await child;
      return 1;
    }, { name: 'parent' });
    await parent;
    const p = span('parent');
    const c = span('child');
    assert.equal(parentId(c), p.spanContext().spanId);
    assert.equal(c.spanContext().traceId, p.spanContext().traceId);
    assert.equal(parentId(p), undefined, 'the parent op is a root span here');
    assert.ok(hrMs(p.startTime) >= before - 1 && hrMs(p.endTime) <= Date.now() + 1, 'times are wall-clock epoch times');
    assert.ok(hrMs(c.startTime) >= hrMs(p.startTime) && hrMs(c.endTime) <= hrMs(p.endTime));
    assert.ok(hrMs(c.endTime) - hrMs(c.startTime) >= 4, 'the child lasted its 5 ms');
  });

  it('an op created inside an active span (a request being served) is that span\'s child', async () => {
    // What an SDK setup (NodeSDK, or a provider's register()) installs.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      const request = provider.getTracer('app').startSpan('GET /items');
      const op = context.with(trace.setSpan(context.active(), request), () => AsyncInfo.runOperation(async () => 1, { name: 'load items' }));
      await op;
      request.end();
      assert.equal(parentId(span('load items')), request.spanContext().spanId);
    } finally {
      context.disable();
    }
  });

  it('statuses: Completed is OK, Error is ERROR with the message, Canceled is an asyncinfo.canceled attribute', async () => {
    await AsyncInfo.runAction(async () => undefined, { name: 'ok' });
    await settle(AsyncInfo.runOperation(async () => { throw new Error('disk full'); }, { name: 'fails' }));
    const canceled = AsyncInfo.runAction(async (token) => new Promise((_, reject) => token.signal.addEventListener('abort', () => reject(token.signal.reason))), { name: 'stopped' });
    canceled.cancel();
    await settle(canceled);
    assert.equal(span('ok').status.code, SpanStatusCode.OK);
    assert.deepEqual(span('fails').status, { code: SpanStatusCode.ERROR, message: 'disk full' });
    assert.equal(span('fails').attributes['asyncinfo.error_code'], 'E_FAIL (0x80004005)');
    assert.equal(span('stopped').attributes['asyncinfo.canceled'], true);
    assert.equal(span('stopped').status.code, SpanStatusCode.UNSET);
    assert.equal(span('ok').attributes['asyncinfo.canceled'], undefined);
  });

  it('progress and cancel requests are span events at their time, with their values', async () => {
    const op = AsyncInfo.runActionWithProgress<unknown>(async (token, report) => {
      report(25);
      report({ bytes: 512 });
      await new Promise<void>((resolve) => token.signal.addEventListener('abort', () => resolve()));
    }, { name: 'download' });
    await new Promise((r) => setImmediate(r));
    op.cancel();
    await settle(op);
    const s = span('download');
    assert.deepEqual(s.events.map((e) => [e.name, e.attributes]), [
      ['asyncinfo.progress', { 'asyncinfo.progress.value': 25 }],
      ['asyncinfo.progress', { 'asyncinfo.progress.value': '{"bytes":512}' }],
      ['asyncinfo.cancel_requested', { 'asyncinfo.cancel.source': 'program' }],
    ]);
    for (const e of s.events) assert.ok(hrMs(e.time) >= hrMs(s.startTime) && hrMs(e.time) <= hrMs(s.endTime));
  });

  it('kind, id, source, site and the op\'s attributes are span attributes', async () => {
    const foreign = {
      id: 77, status: 0, errorCode: 0, completed: null as unknown,
      cancel() {}, close() {}, getResults() { return 'x'; },
    };
    const shim = AsyncInfo.observe(foreign as never, { name: 'getFileAsync' });
    const runtimeOp = AsyncInfo.runOperation(async () => 1, { name: 'plain' });
    const promised = AsyncInfo.fromPromise(Promise.resolve(2), { name: 'promised' });
    await runtimeOp;
    await promised;
    foreign.status = 1;
    (foreign.completed as (op: unknown, status: number) => void)(foreign, 1);
    await shim;
    const plain = span('plain').attributes;
    assert.equal(plain['asyncinfo.kind'], 'operation');
    assert.equal(plain['asyncinfo.id'], runtimeOp.id);
    assert.equal(plain['asyncinfo.source'], 'runtime');
    const observed = span('getFileAsync').attributes;
    assert.equal(observed['asyncinfo.source'], 'observed');
    assert.equal(observed['asyncinfo.attributes.foreignId'], 77);
    const fromPromise = span('promised').attributes;
    assert.equal(fromPromise['asyncinfo.source'], 'promise');
    assert.equal(fromPromise['asyncinfo.can_cancel'], false);
  });

  it('with creation sites on, the site is an attribute', async () => {
    AsyncInfo.configure({ sites: 'frame' });
    try {
      await AsyncInfo.runAction(async () => undefined, { name: 'sited' });
    } finally {
      AsyncInfo.configure({ sites: 'off' });
    }
    assert.match(String(span('sited').attributes['asyncinfo.site']), /bridge\.test\.js:\d+:\d+$/);
  });

  it('stop: no spans for later ops; spans still open end, marked asyncinfo.bridge_stopped', async () => {
    let finish!: () => void;
    const pending = AsyncInfo.runAction(async () => new Promise<void>((r) => { finish = r; }), { name: 'pending' });
    stop!();
    stop!(); // twice is harmless
    assert.equal(span('pending').attributes['asyncinfo.bridge_stopped'], true);
    await AsyncInfo.runAction(async () => undefined, { name: 'after' });
    finish();
    await pending;
    assert.deepEqual(spans().map((s) => s.name), ['pending']);
  });

  it('a tracer that throws never reaches the program', async () => {
    stop!();
    const throwing = { getTracer: () => ({ startSpan: () => { throw new Error('exporter down'); }, startActiveSpan: () => { throw new Error('no'); } }) };
    stop = startOpenTelemetryBridge({ tracerProvider: throwing as never });
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      assert.equal(await AsyncInfo.runOperation(async () => 42), 42);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    assert.deepEqual(uncaught, []);
  });

  it('holds at most maxOpenSpans open; ops beyond get no span and are counted', async () => {
    stop!();
    stop = startOpenTelemetryBridge({ tracerProvider: provider, maxOpenSpans: 2 });
    const finishers: (() => void)[] = [];
    const ops = [1, 2, 3, 4].map((i) => AsyncInfo.runAction(async () => new Promise<void>((r) => finishers.push(r)), { name: `op${i}` }));
    assert.equal(stop.dropped, 2);
    for (const f of finishers) f();
    await Promise.all(ops);
    assert.deepEqual(spans().map((s) => s.name).sort(), ['op1', 'op2']);
  });
});
