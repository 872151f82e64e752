// A trace file (core/traceFile.ts) as op histories: the command line's input.
import { readTrace, type TraceContents } from '../traceFile';
import { foldProcess, type ProcessHistory } from './opHistory';

/** Reads and folds a whole trace; throws TraceFormatError naming a bad line. */
export async function readTraceHistories(file: string): Promise<ProcessHistory[]> {
  return historiesOfTrace(await readTrace(file));
}

export function historiesOfTrace(trace: TraceContents): ProcessHistory[] {
  return trace.processes.map((p) => foldProcess(p.hello, p.messages));
}
