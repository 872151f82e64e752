// The runtime's figures (issue 2): an op's full lifecycle against a bare promise, with and
// without a subscriber, and the heap an op holds while it runs.
import * as path from 'node:path';
import type { ForeignHeapResult, ForeignLifecycleResult } from './foreignScenarios';
import type { HeapResult, LifecycleResult } from './runtimeScenarios';
import { runScenario } from './stats';
import type { BenchModule, BenchRow } from './types';

const scenarios = path.join(__dirname, 'runtimeScenarios.js');
const foreignScenarios = path.join(__dirname, 'foreignScenarios.js');

function lifecycleRow(name: string, r: LifecycleResult, goal?: number): BenchRow {
  const hooked = r.hookedBaseNs === undefined ? '' : `; baseline while subscribed ${r.hookedBaseNs.toFixed(0)} ns`;
  const events = r.events === undefined ? '' : `; ${r.events.toFixed(1)} events/op`;
  return {
    name, value: r.ratio, unit: 'x', goal,
    note: `op ${r.opNs.toFixed(0)} ns vs \`await new Promise(r => r(x))\` ${r.baseNs.toFixed(0)} ns${hooked}${events}`,
  };
}

export const bench: BenchModule = {
  area: 'runtime',
  async run() {
    const none = runScenario<LifecycleResult>(scenarios, ['lifecycle', 'none']);
    const subscribed = runScenario<LifecycleResult>(scenarios, ['lifecycle', 'subscriber']);
    const lean = runScenario<LifecycleResult>(scenarios, ['lifecycle', 'subscriber-lean']);
    const debuggerLike = runScenario<LifecycleResult>(scenarios, ['lifecycle', 'subscriber-debugger']);
    const underInspector = runScenario<LifecycleResult>(scenarios, ['lifecycle', 'subscriber-inspector']);
    const debuggerLikeAll = runScenario<LifecycleResult>(scenarios, ['lifecycle', 'subscriber-debugger-all']);
    const underInspectorAll = runScenario<LifecycleResult>(scenarios, ['lifecycle', 'subscriber-inspector-all']);
    const heap = runScenario<HeapResult>(scenarios, ['heap'], ['--expose-gc']);
    const foreign = runScenario<ForeignLifecycleResult>(foreignScenarios, ['lifecycle']);
    const foreignHeap = runScenario<ForeignHeapResult>(foreignScenarios, ['heap'], ['--expose-gc']);
    const shimNs = foreign.observedNs - foreign.foreignNs;
    return [
      lifecycleRow('await runOperation(async () => x), no subscriber', none, 2.0),
      {
        name: 'floor of the design: a bare 6-field thenable object, no runtime', value: none.floorRatio!, unit: 'x',
        note: `${none.floorNs!.toFixed(0)} ns; what any plain-object op pays for \`await\` of a non-native thenable`,
      },
      {
        name: '`await runOperation(async () => x)` vs the floor, no subscriber', value: none.opFloorRatio!, unit: 'x', goal: 1.1,
        note: `op ${none.opNs.toFixed(0)} ns vs floor ${none.floorNs!.toFixed(0)} ns, interleaved rounds`,
      },
      lifecycleRow('the same, a subscriber gets every event (defaults: sites off, parents async)', subscribed),
      {
        name: 'a plain `await new Promise(r => r(x))` while ops are observed with parents async vs unobserved', value: subscribed.hookedRatio!,
        unit: 'x', goal: 1.1,
        note: `${subscribed.hookedBaseNs!.toFixed(0)} ns vs ${subscribed.unhookedBaseNs!.toFixed(0)} ns (interleaved rounds, the context disabled between); every promise of the program pays the async context's promise hooks where AsyncLocalStorage has them (Node < 24)`,
      },
      lifecycleRow('the same, as the extension debugs (sites frame within the default 2% budget, parents async)', debuggerLike),
      lifecycleRow('the same with a debugger attached (inspector open, Runtime enabled, as in a VS Code debug session)', underInspector),
      lifecycleRow('the same, every op\'s site (siteBudget 100, sites frame, parents async)', debuggerLikeAll),
      lifecycleRow('the same, every op\'s site, with a debugger attached', underInspectorAll),
      lifecycleRow('the same, a subscriber, sites off, parents sync', lean),
      {
        name: 'heap per live (Started) op', value: heap.bytesPerOp, unit: 'bytes', goal: 250,
        note: `work returns a shared pending promise, so this is the op's own cost; a bare pending Promise: ${heap.bytesPerPendingPromise.toFixed(0)} bytes`,
      },
      {
        name: 'heap per live (Started) op, a fresh work closure per op', value: heap.bytesPerOpFreshWork, unit: 'bytes', goal: 250,
        note: 'runAction(() => pending) with a new closure (capturing the loop index) each time, as programs write it; the op keeps its work to name it',
      },
      {
        name: '`await AsyncInfo.fromPromise(Promise.resolve(x))` vs `await runOperation(async () => x)`, no subscriber',
        value: foreign.promiseRatio, unit: 'x', goal: 1.0,
        note: `promise op ${foreign.promiseNs.toFixed(0)} ns vs runtime op ${foreign.runtimeNs.toFixed(0)} ns (interleaved rounds)`,
      },
      {
        name: 'observe(a bare foreign op), finish, await vs `await runOperation(async () => x)`, no subscriber',
        value: foreign.observedRatio, unit: 'x',
        note: `observed ${foreign.observedNs.toFixed(0)} ns, of which the foreign op's own ${foreign.foreignNs.toFixed(0)} ns`,
      },
      {
        name: "the shim's share of that (observed minus the foreign op's own) vs a runtime op", value: shimNs / foreign.runtimeNs,
        unit: 'x', goal: 1.0, note: `${shimNs.toFixed(0)} ns vs ${foreign.runtimeNs.toFixed(0)} ns`,
      },
      {
        name: 'heap per live op: fromPromise(pending) / observe(foreign) vs runAction', value: foreignHeap.promiseBytes, unit: 'bytes',
        note: `promise op ${foreignHeap.promiseBytes.toFixed(0)}, shim ${(foreignHeap.observedBytes - foreignHeap.foreignBytes).toFixed(0)} (plus the foreign op's own ${foreignHeap.foreignBytes.toFixed(0)}), runtime op ${foreignHeap.runtimeBytes.toFixed(0)} bytes, same run`,
      },
    ];
  },
};
