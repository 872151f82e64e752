// The agent says nothing on the program's own streams: a program that captures its children's
// stderr (tests, CLIs) must see exactly what it would without the agent. The extension notices an
// agent that never said hello; ASYNCINFO_DEBUG=1 prints why, one line per problem, on stderr.

let enabled = false;

export function enableDebugLog(on: boolean): void {
  enabled = on;
}

export function debugLog(text: string): void {
  if (!enabled) return;
  try {
    process.stderr.write(`asyncinfo agent [${process.pid}]: ${text}\n`);
  } catch {
    // no stderr
  }
}

export function describeError(error: unknown): string {
  return (error as { code?: string })?.code ?? String((error as Error)?.message ?? error);
}
