// `@asyncinfo/runtime/otel` (dist/otel.js): the OpenTelemetry bridge.
export { startOpenTelemetryBridge, TRACER_NAME } from './bridge';
export type { OpenTelemetryBridgeOptions, StopOpenTelemetryBridge } from './bridge';
