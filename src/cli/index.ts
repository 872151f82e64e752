// The `asyncinfo` bin (dist/cli.js, shipped as the package's cli.js): runs main() and exits with its code.
import { TraceFormatError } from '../core/traceFile';
import { main } from './main';

declare const PACKAGE_VERSION: string;

main(process.argv.slice(2), typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0').then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    // A reader that closed the pipe early (`asyncinfo export t.ndjson | head`) took what it wanted.
    if ((error as NodeJS.ErrnoException)?.code !== 'EPIPE') process.stderr.write(`asyncinfo: ${describe(error)}\n`);
    process.exitCode = 1;
  },
);

function describe(error: unknown): string {
  if (error instanceof TraceFormatError) return error.message;
  const e = error as NodeJS.ErrnoException;
  if (e && typeof e === 'object' && e.code === 'ENOENT' && e.path) return `no such file: ${e.path}`;
  if (e && typeof e === 'object' && (e.code === 'EISDIR' || e.code === 'EACCES') && e.path) return `cannot read or write ${e.path} (${e.code})`;
  return e instanceof Error ? e.message : String(error);
}
