// The OpenTelemetry bridge: one span per op, made from the runtime's lifecycle channel (so it sees
// every copy of the runtime in the process), through the program's own @opentelemetry/api. Runs
// inside the program: it never throws into it (a diagnostics_channel subscriber that throws would
// surface as an uncaught exception) and bounds what it holds.
import * as diagnostics from 'node:diagnostics_channel';
import type * as Api from '@opentelemetry/api';
import { LIFECYCLE_CHANNEL } from '../protocol/hub';
import type { CreatedMessage, LifecycleMessage } from '../protocol/messages';
import { describeHresult } from '../protocol/hresults';
import { hrTimeOf } from './time';

export interface OpenTelemetryBridgeOptions {
  /** Where spans go; default: the global provider (`trace.getTracer`), as registered by the SDK. */
  tracerProvider?: Api.TracerProvider;
  /** Spans open at once; an op created beyond this gets none and is counted in `dropped`. Default 50,000. */
  maxOpenSpans?: number;
}

/** Stops the bridge: unsubscribes and ends the spans still open (marked `asyncinfo.bridge_stopped`). */
export interface StopOpenTelemetryBridge {
  (): void;
  /** Ops that got no span because `maxOpenSpans` were open. */
  readonly dropped: number;
}

export const TRACER_NAME = '@asyncinfo/runtime';
/** Ended ops whose span a child created later can still name as its parent. */
const RECENTLY_ENDED = 1024;
const MAX_VALUE_CHARS = 1024;

export function startOpenTelemetryBridge(options: OpenTelemetryBridgeOptions = {}): StopOpenTelemetryBridge {
  // Read once: the API's namespaces are getters, and this runs for every op.
  const { context, trace, SpanStatusCode } = loadApi();
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(TRACER_NAME);
  const maxOpen = options.maxOpenSpans ?? 50_000;
  const statusOk: Api.SpanStatus = { code: SpanStatusCode.OK };
  const open = new Map<number, Api.Span>();
  const ended = new RecentlyEnded();
  let dropped = 0;

  const parentContext = (m: CreatedMessage): Api.Context => {
    const active = context.active(); // the creator's context: an op made while serving a request nests under it
    if (m.parent === null) return active;
    const parent = open.get(m.parent);
    if (parent) return trace.setSpan(active, parent);
    const done = ended.find(m.parent);
    return done ? trace.setSpanContext(active, done) : active;
  };

  const onCreated = (m: CreatedMessage) => {
    if (open.has(m.id)) return;
    if (open.size >= maxOpen) {
      dropped++;
      return;
    }
    const attributes: Api.Attributes = { 'asyncinfo.id': m.id, 'asyncinfo.kind': m.kind, 'asyncinfo.source': m.source ?? 'runtime' };
    if (m.site) attributes['asyncinfo.site'] = m.site;
    if (m.canCancel === false) attributes['asyncinfo.can_cancel'] = false;
    if (m.attributes) for (const [key, value] of Object.entries(m.attributes)) attributes[`asyncinfo.attributes.${key}`] = value;
    const span = tracer.startSpan(m.name || `asyncinfo ${m.kind}`, { attributes, startTime: hrTimeOf(m.t) }, parentContext(m));
    open.set(m.id, span);
  };

  const end = (id: number, t: number, finish: (span: Api.Span) => void) => {
    const span = open.get(id);
    if (!span) return;
    open.delete(id);
    finish(span);
    span.end(hrTimeOf(t));
    ended.add(id, span.spanContext());
  };

  const onMessage = (message: unknown) => {
    try {
      const m = message as LifecycleMessage;
      switch (m.type) {
        case 'created':
          onCreated(m);
          break;
        case 'progress':
          open.get(m.id)?.addEvent('asyncinfo.progress', { 'asyncinfo.progress.value': attributeValue(m.value) }, hrTimeOf(m.t));
          break;
        case 'cancelRequested':
          open.get(m.id)?.addEvent('asyncinfo.cancel_requested', { 'asyncinfo.cancel.source': m.source }, hrTimeOf(m.t));
          break;
        case 'completed':
          end(m.id, m.t, (span) => span.setStatus(statusOk));
          break;
        case 'canceled':
          end(m.id, m.t, (span) => span.setAttribute('asyncinfo.canceled', true));
          break;
        case 'error':
          end(m.id, m.t, (span) => {
            span.setAttribute('asyncinfo.error_code', describeHresult(m.errorCode));
            span.setStatus({ code: SpanStatusCode.ERROR, message: m.message });
          });
          break;
      }
    } catch {
      // A tracer or exporter that throws must not reach the program's code.
    }
  };

  const channel = diagnostics.channel(LIFECYCLE_CHANNEL);
  channel.subscribe(onMessage);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    channel.unsubscribe(onMessage);
    for (const span of open.values()) {
      try {
        span.setAttribute('asyncinfo.bridge_stopped', true);
        span.end();
      } catch {
        // as above
      }
    }
    open.clear();
  };
  return Object.defineProperty(stop, 'dropped', { get: () => dropped, enumerable: true }) as StopOpenTelemetryBridge;
}

/**
 * The span contexts of the last ops that ended, for a child created after its parent ended (rare:
 * work that outlives its op). A ring written on every end without allocating; searched only then.
 */
class RecentlyEnded {
  private readonly ids = new Float64Array(RECENTLY_ENDED);
  private readonly contexts: (Api.SpanContext | undefined)[] = new Array(RECENTLY_ENDED);
  private next = 0;

  add(id: number, spanContext: Api.SpanContext): void {
    this.ids[this.next] = id;
    this.contexts[this.next] = spanContext;
    this.next = (this.next + 1) % RECENTLY_ENDED;
  }

  find(id: number): Api.SpanContext | undefined {
    for (let i = 0; i < RECENTLY_ENDED; i++) if (this.ids[i] === id && this.contexts[i]) return this.contexts[i];
    return undefined;
  }
}

/** The program's @opentelemetry/api, resolved from where this package is installed (a peer dependency). */
function loadApi(): typeof Api {
  try {
    return require('@opentelemetry/api') as typeof Api;
  } catch (error) {
    throw new Error(`@asyncinfo/runtime/otel needs the package @opentelemetry/api (npm install @opentelemetry/api): ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Span attribute values are strings, numbers and booleans: anything else as (bounded) JSON. */
function attributeValue(value: unknown): string | number | boolean {
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value : safeJson(value);
  return text.length > MAX_VALUE_CHARS ? text.slice(0, MAX_VALUE_CHARS) : text;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
