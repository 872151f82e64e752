// The OpenTelemetry bridge (@asyncinfo/runtime/otel): what a span per op costs through the
// bridge, against a plain span of the same SDK set-up (otelScenarios.ts).
import * as path from 'node:path';
import type { OtelResult } from './otelScenarios';
import { runScenario } from './stats';
import type { BenchModule } from './types';

export const bench: BenchModule = {
  area: 'otel',
  async run() {
    const scenarios = path.join(__dirname, 'otelScenarios.js');
    const rows = [];
    for (const [parents, why] of [['async', 'parents async, the default'], ['sync', 'parents sync']] as const) {
      const r = runScenario<OtelResult>(scenarios, [parents]);
      const bridgeNs = r.opWithBridgeNs - r.opNs;
      rows.push(
        {
          name: `the bridge's cost per op (op with the bridge minus the bare op) vs a plain \`startSpan('op').end()\`, ${why}`,
          value: r.bridgePerSpan, unit: 'x', goal: 2.0,
          note: `bridge ${bridgeNs.toFixed(0)} ns/op vs plain span ${r.plainSpanNs.toFixed(0)} ns (BatchSpanProcessor, discarding exporter; ${r.spansExported.toFixed(0)} spans exported per round of the three)`,
        },
        {
          name: `\`await runOperation(...)\` with the bridge vs the same op with a span made by hand around it, ${why}`,
          value: r.bridgeVsHandMade, unit: 'x', goal: 1.5,
          note: `${r.opWithBridgeNs.toFixed(0)} ns vs ${r.opWithSpanNs.toFixed(0)} ns; the bare op ${r.opNs.toFixed(0)} ns`,
        },
      );
    }
    return rows;
  },
};
