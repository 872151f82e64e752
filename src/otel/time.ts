// The protocol's `t` (integer microseconds since this process's performance.timeOrigin) as an
// OpenTelemetry HrTime ([epoch seconds, nanoseconds]), exact to the microsecond.
import { performance } from 'node:perf_hooks';

const originMs = performance.timeOrigin;
const originSeconds = Math.floor(originMs / 1000);
const originNanos = Math.round((originMs - originSeconds * 1000) * 1e6);

export function hrTimeOf(t: number): [number, number] {
  const wholeSeconds = Math.floor(t / 1e6);
  let seconds = originSeconds + wholeSeconds;
  let nanos = originNanos + (t - wholeSeconds * 1e6) * 1000;
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  return [seconds, Math.round(nanos)];
}
