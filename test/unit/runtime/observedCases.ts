// The fixtures' kinds, made as foreign ops (the model) seen through AsyncInfo.observe: the same
// state table then holds the shim to the contract, row by row.
import type { CancellationToken } from '../../../src/runtime/index';
import { KIND_CASES, type AnyOp, type KindCase } from './fixtures';
import { foreignFor } from './foreignOp';
import { AsyncInfo } from './support';

type Work = (token: CancellationToken, report: (value: unknown) => void) => Promise<unknown>;

function observeWork(kindCase: KindCase, work: Work, options?: { name?: string }): AnyOp {
  const foreign = foreignFor(kindCase.hasProgress);
  const signal = foreign.cancellation.signal;
  const token: CancellationToken = { get isCancellationRequested() { return signal.aborted; }, signal };
  work(token, (value) => foreign.report(value)).then((value) => foreign.complete(value), (error) => foreign.fail(error));
  // Action kinds say so; the Operation kinds are told apart by the `progress` property.
  const kind = kindCase.kind.startsWith('action') ? kindCase.kind : undefined;
  return AsyncInfo.observe(foreign, { ...options, kind } as { kind: 'operationWithProgress' }) as unknown as AnyOp;
}

export const OBSERVED_KIND_CASES: KindCase[] = KIND_CASES.map((kindCase) => ({
  ...kindCase,
  run: (work, options) => observeWork(kindCase, work, options),
}));
