// Child processes in their own process group, stopped as a group: code-server forks an extension
// host, a pty host, watchers and debuggees, and all of them must go when a test ends or fails.
// Each group also carries a unique environment marker, so processes that left the group (a
// debuggee started with setsid, say) are found in /proc and stopped too.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';

const markerName = 'ASYNCOPS_HARNESS_GROUP';

export interface GroupOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Every chunk of stdout and stderr, as text. */
  onOutput?: (text: string) => void;
}

export interface ProcessGroup {
  readonly child: ChildProcess;
  /** The process group id (= the leader's pid). */
  readonly pgid: number;
  /** Resolves with the leader's exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** SIGTERM to the group, SIGKILL after graceMs, then stop any stray process with our marker. */
  stop(graceMs?: number): Promise<void>;
}

/** Live groups and their markers. */
const live = new Map<ProcessGroup, string>();

export function spawnGroup(command: string, args: readonly string[], options: GroupOptions = {}): ProcessGroup {
  const marker = randomUUID();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), [markerName]: marker },
    detached: true, // setsid: a new process group led by the child
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pgid = child.pid;
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (text: string) => options.onOutput?.(text));
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stopping: Promise<void> | undefined;
  const group: ProcessGroup = {
    child,
    pgid,
    exited,
    stop(graceMs = 5000): Promise<void> {
      stopping ??= (async () => {
        signalGroup(pgid, 'SIGTERM');
        const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
        if ((await Promise.race([exited, timer])) === 'timeout') signalGroup(pgid, 'SIGKILL');
        await exited;
        // The leader may exit before its children: finish the group and the strays off.
        signalGroup(pgid, 'SIGKILL');
        killMarked(marker);
        live.delete(group);
      })();
      return stopping;
    },
  };
  live.set(group, marker);
  installSafetyNet();
  return group;
}

/** Stops every group this process started (used on Ctrl+C and at exit). */
export async function stopAllGroups(): Promise<void> {
  await Promise.all([...live.keys()].map((group) => group.stop(3000)));
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Kills processes whose environment holds our marker (Linux /proc only; a no-op elsewhere). */
export function killMarked(marker: string): void {
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return;
  }
  const needle = `${markerName}=${marker}\0`;
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, 'latin1').includes(needle)) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Gone already, or not ours to read.
    }
  }
}

let shuttingDown = false;
/** True once Ctrl+C (or SIGTERM/SIGHUP) asked this process to stop its groups and exit. */
export function isShuttingDown(): boolean {
  return shuttingDown;
}

let netInstalled = false;
/** Even when a test run crashes or is interrupted, no group outlives this process. */
function installSafetyNet(): void {
  if (netInstalled) return;
  netInstalled = true;
  process.once('exit', () => {
    for (const [group, marker] of live) {
      signalGroup(group.pgid, 'SIGKILL');
      killMarked(marker);
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      shuttingDown = true;
      if (live.size > 0) process.stderr.write(`\n${signal}: stopping ${live.size} process group(s)...\n`);
      void stopAllGroups().finally(() => process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1)));
    });
  }
}
