// `child-process`: one op per child the program starts, from Node's `child_process` channel
// (published as the ChildProcess is made, Node 18+) to its exit: code 0 completes it; another
// code, a signal or a spawn error ends it in Error, saying which. Cancel sends SIGTERM, then
// SIGKILL 5 s later if the child still runs: the program sees its child killed by a signal.
import type { ChildProcess } from 'child_process';
import * as path from 'path';
import { getSystemErrorName } from 'util';
import { subscribe, type Subscription } from './channels';
import { NodeOp, currentOp, quietly, roomForNodeOp } from './nodeOp';
import { ownSetTimeout } from '../ownTimers';

export const KILL_AFTER_MS = 5000;

export function observeChildProcesses(): Subscription[] {
  return [subscribe('child_process', (m) => made(m.process as ChildProcess))];
}

function made(child: ChildProcess): void {
  // Published before the spawn: the pid and command are known once spawn() returns. The parent
  // is the op running now, in the program's call to spawn().
  const parent = currentOp();
  process.nextTick(() => quietly(() => follow(child, parent)));
}

function follow(child: ChildProcess, parent: number): void {
  if (!roomForNodeOp()) return;
  const file = typeof child.spawnfile === 'string' ? child.spawnfile : '';
  const args = Array.isArray(child.spawnargs) ? child.spawnargs.slice(1).map(String) : [];
  const command = [file, ...args].join(' ');
  let killTimer: NodeJS.Timeout | undefined;
  const node = new NodeOp({
    source: 'node:child-process',
    name: `spawn ${[path.basename(file), ...args.map(shortArg)].join(' ')}`,
    attributes: { pid: child.pid, command },
    cancel: () => {
      child.kill('SIGTERM');
      killTimer = ownSetTimeout(() => quietly(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }), KILL_AFTER_MS);
      killTimer.unref(); // the program decides when it ends, not the agent
    },
    parent,
  });
  const ended = (code: number | null, signal: NodeJS.Signals | null): void => {
    clearTimeout(killTimer);
    if (node.ended) return;
    node.set('exitCode', code ?? undefined);
    node.set('signal', signal ?? undefined);
    if (code === 0) node.completed();
    else if (signal) node.failed(`killed by ${signal}`);
    else if (typeof code === 'number' && code < 0) node.failed(`could not start: ${errorName(code)}`);
    else node.failed(`exited with code ${code}`);
  };
  // 'exit' when it ran; a spawn error (no such file) comes as 'error' then 'close', never 'exit'.
  // No 'error' listener: the program's own handling of it stays as it was.
  child.once('exit', ended);
  child.once('close', ended);
}

/** A path argument by its file name: the row stays short, the `command` attribute has it whole. */
function shortArg(arg: string): string {
  return arg.includes(path.sep) && arg.length > 24 ? path.basename(arg) : arg;
}

function errorName(code: number): string {
  try {
    return getSystemErrorName(code);
  } catch {
    return `error ${code}`;
  }
}
