// The OpenTelemetry bridge's cost per op, run in a fresh node by otel.bench.ts:
//   node otelScenarios.js async|sync      (the runtime's parents setting while the bridge listens)
// Interleaved rounds on one tracer provider (the SDK's BasicTracerProvider with a
// BatchSpanProcessor whose exporter discards, as a service would batch to a collector):
//   plain span:  tracer.startSpan('op').end()
//   op:          await runOperation(async () => i), no subscriber
//   op + span:   the same op with a span made by hand around it (what a user would write)
//   op + bridge: the same op, startOpenTelemetryBridge() making its span
import * as path from 'node:path';
import type * as Runtime from '../../src/runtime/index';
import type * as Otel from '../../src/otel/index';
import { median, nsPerIteration } from './stats';

const runtime: typeof Runtime = require(path.resolve(__dirname, '../../../dist/runtime.js'));
const otel: typeof Otel = require(path.resolve(__dirname, '../../../dist/otel.js'));
const { AsyncInfo } = runtime;
// Loaded here only: dev dependencies, for this comparison alone.
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { SpanStatusCode } = require('@opentelemetry/api');

const ROUNDS = 15;
const PER_ROUND = 20_000;

export interface OtelResult {
  plainSpanNs: number; opNs: number; opWithSpanNs: number; opWithBridgeNs: number;
  /** (op + bridge − op) / plain span, per round. */
  bridgePerSpan: number;
  /** (op + bridge) / (op + a hand-made span), per round. */
  bridgeVsHandMade: number;
  spansExported: number;
}

async function main(): Promise<void> {
  AsyncInfo.configure({ parents: process.argv[2] === 'sync' ? 'sync' : 'async' });
  let exported = 0;
  const discard = {
    export: (spans: unknown[], done: (r: { code: number }) => void) => { exported += spans.length; done({ code: 0 }); },
    shutdown: () => Promise.resolve(),
  };
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(discard, { maxQueueSize: 100_000, maxExportBatchSize: 4096 })] });
  const tracer = provider.getTracer('bench');

  const plainSpans = async (n: number) => {
    for (let i = 0; i < n; i++) tracer.startSpan('op').end();
    await provider.forceFlush();
  };
  const ops = async (n: number) => {
    for (let i = 0; i < n; i++) await AsyncInfo.runOperation(async () => i);
    await provider.forceFlush();
  };
  const opsWithSpans = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const span = tracer.startSpan('op', { attributes: { 'asyncinfo.kind': 'operation' } });
      await AsyncInfo.runOperation(async () => i);
      span.setStatus({ code: SpanStatusCode.OK });
      span.end();
    }
    await provider.forceFlush();
  };
  const opsWithBridge = async (n: number) => {
    const stop = otel.startOpenTelemetryBridge({ tracerProvider: provider });
    try {
      await ops(n);
    } finally {
      stop();
    }
  };

  for (const body of [plainSpans, ops, opsWithSpans, opsWithBridge]) await body(PER_ROUND); // warm up
  const plain: number[] = [];
  const bare: number[] = [];
  const hand: number[] = [];
  const bridged: number[] = [];
  exported = 0;
  for (let r = 0; r < ROUNDS; r++) {
    plain.push(await nsPerIteration(plainSpans, PER_ROUND));
    bare.push(await nsPerIteration(ops, PER_ROUND));
    hand.push(await nsPerIteration(opsWithSpans, PER_ROUND));
    bridged.push(await nsPerIteration(opsWithBridge, PER_ROUND));
  }
  const result: OtelResult = {
    plainSpanNs: median(plain), opNs: median(bare), opWithSpanNs: median(hand), opWithBridgeNs: median(bridged),
    bridgePerSpan: median(bridged.map((b, i) => (b - bare[i]) / plain[i])),
    bridgeVsHandMade: median(bridged.map((b, i) => b / hand[i])),
    spansExported: exported / ROUNDS,
  };
  console.log(JSON.stringify(result));
}

void main();
