// How an op and a process read in the view: labels, descriptions, icons and tooltips.
import * as vscode from 'vscode';
import type { OpView, ProcessView } from '../core/model';
import { RowContext } from '../contributions';
import { describeHresult } from '../protocol/hresults';
import { describeWarning, type Warning } from '../core/warnings/evaluate';

const ICONS: Record<OpView['status'], vscode.ThemeIcon> = {
  Started: new vscode.ThemeIcon('loading~spin'),
  Completed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  Canceled: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
  Error: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
};
const CANCEL_REQUESTED_ICON = new vscode.ThemeIcon('loading~spin', new vscode.ThemeColor('disabledForeground'));
const WARNING_ICON = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));

/** The op's warnings as they read now (reason with how long, what to do). */
export function opWarnings(op: OpView, process: ProcessView): Warning[] {
  const now = process.source === 'trace' ? process.latestT : processNow(process);
  return op.warnings.map((id) => describeWarning(op, id, now));
}

/** How long a finished op ran: `850µs`, `42ms`, `6.6s`, `17m 59s`, `2h 05m` (units never overflow: no `60s`). */
export function formatDuration(micros: number): string {
  const us = Math.max(0, micros);
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 1_000_000) return `${Math.floor(us / 1000)}ms`;
  if (us < 10_000_000) return `${(Math.floor(us / 100_000) / 10).toFixed(1)}s`;
  return formatWholeSeconds(Math.floor(us / 1_000_000));
}

/**
 * How long a pending op has run, in steps of 5 s up to a minute, then of whole minutes. A row's
 * text changes only when this does, and VS Code redraws a changed row whole, which cancels a
 * tooltip about to show and re-creates its inline buttons under the pointer: so a row changes
 * at most every 5 s, and an old op (a hang, what users hover) once a minute. The tooltip says
 * the exact time.
 */
export function formatElapsed(micros: number): string {
  const s = Math.floor(Math.max(0, micros) / 1_000_000);
  if (s < 5) return '<5s';
  if (s < 60) return `${s - (s % 5)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m` : `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

function formatWholeSeconds(total: number): string {
  if (total < 60) return `${total}s`;
  const m = Math.floor(total / 60);
  if (m < 60) return `${m}m ${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** The program's clock now, in the protocol's microseconds since `timeOrigin`: the same machine's
 *  wall clock, never behind the latest time the program reported (its clock may run ahead of ours). */
export function processNow(process: ProcessView): number {
  return Math.max((Date.now() - process.hello.timeOrigin) * 1000, process.latestT);
}

/** A number from 0 to 100 reads as a percentage (as Windows Runtime progress usually is), a
 *  fraction below 1 too; anything else as it came, cut short. */
export function progressText(value: unknown): string {
  if (typeof value === 'number') {
    if (value > 0 && value < 1 && !Number.isInteger(value)) return `${Math.round(value * 100)}%`;
    if (value >= 0 && value <= 100) return `${Math.round(value * 10) / 10}%`;
    return String(value);
  }
  if (typeof value === 'string') return value.length > 40 ? `${value.slice(0, 39)}…` : value;
  try {
    const json = JSON.stringify(value);
    return json.length > 40 ? `${json.slice(0, 39)}…` : json;
  } catch {
    return String(value);
  }
}

/** What the status column says: AsyncStatus's own spelling, plus the cancel still under way. */
export function statusText(op: OpView): string {
  if (op.status === 'Canceled' && op.endT === undefined && !op.closed && !op.released) return 'Canceled (cancel requested, work still running)';
  if (op.released) return `${op.status}, released (the program no longer has it)`;
  return op.closed ? `${op.status}, closed` : op.status;
}

export function opDescription(op: OpView, process: ProcessView): string {
  const running = op.endT === undefined && !op.closed && !op.released;
  // What is wrong first, then the status and how long: a long name leaves room for little (the
  // icon says the status too, or that something is wrong).
  const parts = opWarnings(op, process).map((w) => w.reason);
  parts.push(op.cancelRequested && running ? 'Canceled (requested)' : op.status);
  // How long it ran, or has been running (advancing, paused or not); unknown once its process is gone.
  if (op.endT !== undefined) parts.push(formatDuration(op.endT - op.createdT));
  else if (running && process.connected) parts.push(formatElapsed(processNow(process) - op.createdT));
  if (op.source) parts.push(op.source.replace(/^node:/, ''));
  if (op.hasProgress && running) {
    const progress = progressText(op.progress);
    parts.push(progress.endsWith('%') ? progress : `progress ${progress}`);
  }
  if (op.status === 'Error' && op.message) parts.push(op.message);
  if (op.closed) parts.push('closed');
  else if (op.released) parts.push('released');
  parts.push(`#${op.id}`);
  return parts.join(' · ');
}

/** A pending op of a recording or an ended session: nothing runs any more, so nothing spins. */
const STILL_PENDING_ICON = new vscode.ThemeIcon('circle-large-outline');

export function opIcon(op: OpView, process: ProcessView): vscode.ThemeIcon {
  if (op.warnings.length > 0) return WARNING_ICON;
  const pending = op.endT === undefined && !op.closed && !op.released;
  if (pending && (process.source === 'trace' || process.ended)) return STILL_PENDING_ICON;
  return op.cancelRequested && op.endT === undefined ? CANCEL_REQUESTED_ICON : ICONS[op.status];
}

export function opContext(op: OpView, process: ProcessView): string {
  if (process.source === 'trace' || process.ended) return RowContext.ReadOnly;
  if (op.closed) return RowContext.Closed;
  if (op.released) return RowContext.Released;
  if (op.endT !== undefined) return RowContext.Finished;
  if (op.cancelRequested) return RowContext.CancelRequested;
  return op.canCancel ? RowContext.Started : RowContext.StartedCannotCancel;
}

function clockTime(process: ProcessView, t: number | undefined): string {
  if (t === undefined) return '-';
  return new Date(process.hello.timeOrigin + t / 1000).toISOString().replace('T', ' ').replace('Z', '');
}

/** The op's creation site, or why it has none. */
export function siteText(op: OpView): string {
  if (op.site) return op.site;
  if (op.source === 'node') return "none (Node's own work)";
  return 'not captured (creation sites are off, or the program made operations faster than their time budget allows)';
}

export function opTooltip(op: OpView, process: ProcessView): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${escape(op.name)}** \`#${op.id}\`\n\n`);
  for (const w of opWarnings(op, process)) md.appendMarkdown(`$(warning) **${escape(w.reason)}** (\`${w.id}\`): ${escape(w.advice)}\n\n`);
  const rows: [string, string][] = [
    ['Kind', op.kind],
    ['Status', statusText(op)],
    ['Created', clockTime(process, op.createdT)],
    ['Ended', clockTime(process, op.endT)],
    ['Running for', op.endT === undefined && !op.closed && !op.released && process.connected ? formatDuration(processNow(process) - op.createdT) : '-'],
    ['Creation site', siteText(op)],
  ];
  if (op.parent !== null) rows.push(['Parent', `#${op.parent}`]);
  rows.push(['Source', op.source ?? 'runtime']);
  if (!op.canCancel) rows.push(['Cancel', 'cannot act on this operation']);
  for (const [name, value] of Object.entries(op.attributes ?? {})) rows.push([name, String(value)]);
  if (op.cancelRequested) rows.push(['Cancel requested by', op.cancelSource ?? 'program']);
  if (op.status === 'Error') {
    rows.push(['Error code', `${describeHresult(op.errorCode)}, ${op.errorCode}`]);
    rows.push(['Message', op.message ?? '']);
  }
  if (op.hasProgress) rows.push(['Progress', progressText(op.progress)]);
  md.appendMarkdown(rows.map(([k, v]) => `${k}: ${escape(v)}`).join('  \n'));
  if (op.stack) md.appendCodeblock(op.stack, 'text');
  return md;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/** The script's file name: short, so the count after it survives a narrow sidebar. */
export function processLabel(process: ProcessView): string {
  return (process.hello.argv[1] ? process.hello.argv[1].split(/[\\/]/).pop() : undefined) || process.hello.title;
}

/** What matters first comes first (a narrow sidebar cuts the end): the state, then the pid and
 *  the debug session's name. The pending count is in the view's title and the status bar (one
 *  count, redrawn without touching any row) and in the row's tooltip: a count on the row would
 *  redraw it, and VS Code redraws a row's whole subtree, inline buttons and all. */
export function processDescription(process: ProcessView, sessionName: string | undefined): string {
  const parts: string[] = [];
  if (process.paused) parts.push('paused');
  if (!process.connected) parts.push(process.source === 'trace' ? 'recording' : process.ended ? 'session ended' : 'exited');
  if (process.dropped > 0) parts.push(`${process.dropped} events dropped`);
  if (process.malformed > 0) parts.push(`${process.malformed} malformed messages dropped`);
  // Warnings come and go rarely (a redraw of this row redraws its subtree): shown where they are.
  if (process.warningCount > 0) parts.unshift(`⚠ ${process.warningCount.toLocaleString('en-US')} warning${process.warningCount === 1 ? '' : 's'}`);
  parts.push(`pid ${process.hello.pid}`);
  if (sessionName) parts.push(sessionName);
  return parts.join(' · ');
}

/** `file:line:column` (a path or a file:// URL) as a location to open. */
export function siteLocation(site: string): { uri: vscode.Uri; position: vscode.Position } | undefined {
  const match = /^(.*):(\d+):(\d+)$/.exec(site);
  if (!match) return undefined;
  const [, file, line, column] = match;
  const uri = /^file:\/\//.test(file) ? vscode.Uri.parse(file) : /^[a-z]+:/i.test(file) && !/^[a-z]:[\\/]/i.test(file) ? undefined : vscode.Uri.file(file);
  if (!uri) return undefined; // node:internal and the like: nothing to open
  return { uri, position: new vscode.Position(Math.max(0, Number(line) - 1), Math.max(0, Number(column) - 1)) };
}
