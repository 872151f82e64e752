// A single progress line for steps that take minutes, so a silent terminal never looks hung.
export interface Progress {
  stop(final: string): void;
}

export function startProgress(label: string): Progress {
  const started = Date.now();
  const tty = process.stderr.isTTY;
  const elapsed = (): string => `${Math.round((Date.now() - started) / 1000)}s`;
  // On a TTY rewrite one line every second; in CI logs print a line every 15 s instead.
  const timer = setInterval(() => {
    if (tty) process.stderr.write(`\r${label} ... ${elapsed()}`);
    else process.stderr.write(`${label} ... ${elapsed()}\n`);
  }, tty ? 1000 : 15000);
  timer.unref();
  process.stderr.write(tty ? `${label} ...` : `${label} ...\n`);
  return {
    stop(final: string): void {
      clearInterval(timer);
      process.stderr.write(`${tty ? '\r\x1b[K' : ''}${label}: ${final} (${elapsed()})\n`);
    },
  };
}
