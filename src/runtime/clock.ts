import { performance } from 'perf_hooks';

/** Integer microseconds since `performance.timeOrigin`: the protocol's `t`. */
export function nowMicros(): number {
  return Math.round(performance.now() * 1000);
}

export function timeOrigin(): number {
  return performance.timeOrigin;
}
