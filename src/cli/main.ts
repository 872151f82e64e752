// `asyncinfo`: the runtime package's command line (bin of @asyncinfo/runtime). Reads trace files
// (NDJSON, as the agent's ASYNCINFO_TRACE or the extension's Record Trace write them) and exports
// or summarizes them. Every failure is one line on stderr and exit code 1.
import { historiesOfTrace, readTraceHistories } from '../core/export/fromTrace';
import { warningsOfTrace } from '../core/export/traceWarnings';
import { readTrace } from '../core/traceFile';
import { writeChromeTrace, writeChromeTraceFile } from '../core/export/chromeTrace';
import { formatSummary, summarize } from '../core/export/traceSummary';
import { parseArgs, UsageError, type Invocation } from './args';

export const USAGE = `Usage:
  asyncinfo export <trace.ndjson> --format chrome [-o out.json]
      Writes the trace's operations as Chrome Trace Event Format JSON (open it in
      https://ui.perfetto.dev); to stdout without -o (or with -o -).
  asyncinfo summary <trace.ndjson> [--json]
      Prints per process the operations by status, what was still pending at the
      end of the trace, and the warnings that held then (cancel-ignored after 5 s,
      long-pending after 60 s, orphaned, unobserved-error, never-closed after 300 s).
  asyncinfo --help | --version

A trace file is what ASYNCINFO_TRACE=<file> makes the agent write, or what the
Async Operations view's Record Trace... saves.`;

export async function main(argv: readonly string[], version: string): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`asyncinfo: ${error.message}\n\n${USAGE}\n`);
    return 1;
  }
  switch (invocation.command) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case 'version':
      process.stdout.write(`${version}\n`);
      return 0;
    case 'export': {
      const processes = await readTraceHistories(invocation.trace);
      if (invocation.output === undefined || invocation.output === '-') {
        await writeChromeTrace(process.stdout, processes);
        return 0;
      }
      const { ops } = await writeChromeTraceFile(invocation.output, processes);
      process.stderr.write(`asyncinfo: wrote ${ops} operation${ops === 1 ? '' : 's'} of ${processes.length} process${processes.length === 1 ? '' : 'es'} to ${invocation.output}\n`);
      return 0;
    }
    case 'summary': {
      const trace = await readTrace(invocation.trace);
      const warnings = warningsOfTrace(trace); // at the trace's last moment, the contract's thresholds
      const summaries = summarize(historiesOfTrace(trace), (p) => warnings.get(p.hello.pid) ?? []);
      process.stdout.write(invocation.json ? `${JSON.stringify(summaries, null, 2)}\n` : formatSummary(summaries));
      return 0;
    }
  }
}
