// A log that core code can write to without knowing where it goes (the UI hands it VS Code's
// LogOutputChannel). `enabled` lets callers skip building text for levels nobody reads.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warning' | 'error';

export interface Logger {
  enabled(level: LogLevel): boolean;
  log(level: LogLevel, text: string): void;
}

/** Discards everything (tests and headless use). */
export const silentLogger: Logger = { enabled: () => false, log: () => undefined };
