// VS Code's LogOutputChannel as the core's Logger: the channel's level (Developer: Set Log
// Level...) decides what is written, and what nobody reads is never built.
import * as vscode from 'vscode';
import type { Logger, LogLevel } from '../common/logger';

const LEVELS: Record<LogLevel, vscode.LogLevel> = {
  trace: vscode.LogLevel.Trace,
  debug: vscode.LogLevel.Debug,
  info: vscode.LogLevel.Info,
  warning: vscode.LogLevel.Warning,
  error: vscode.LogLevel.Error,
};

export function outputLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    enabled: (level) => channel.logLevel !== vscode.LogLevel.Off && channel.logLevel <= LEVELS[level],
    log: (level, text) => {
      switch (level) {
        case 'trace': return channel.trace(text);
        case 'debug': return channel.debug(text);
        case 'info': return channel.info(text);
        case 'warning': return channel.warn(text);
        case 'error': return channel.error(text);
      }
    },
  };
}
