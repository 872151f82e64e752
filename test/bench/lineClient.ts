// The bench's stand-in for the extension: a Unix socket in a fresh folder that an agent dials
// (ASYNCINFO_CHANNEL) and a client that JSON.parses every line it sends, as the view does.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface LineClient {
  /** The address to give the agent in ASYNCINFO_CHANNEL. */
  readonly address: string;
  /** Lines parsed so far. */
  readonly lines: number;
  /** When the first and the latest data arrived (performance.now()), 0 before any. */
  readonly firstAt: number;
  readonly lastAt: number;
  /** Resolves once every connection so far has ended (its program exited), or after `ms`. */
  ended(ms: number): Promise<void>;
  close(): void;
}

/** Listens; `onMessage` sees each parsed line with its socket (to pause it, say). */
export async function listenForAgent(onMessage?: (message: { type: string }, socket: net.Socket) => void): Promise<LineClient> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncinfo-bench-'));
  const address = path.join(dir, 'client.sock');
  const state = { lines: 0, firstAt: 0, lastAt: 0 };
  const open = new Set<Promise<void>>();
  const server = net.createServer((socket) => {
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    open.add(closed);
    void closed.then(() => open.delete(closed));
    let partial = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      const parts = (partial + text).split('\n');
      partial = parts.pop()!;
      for (const line of parts) {
        const message = JSON.parse(line) as { type: string };
        state.lines++;
        onMessage?.(message, socket);
      }
      if (state.firstAt === 0) state.firstAt = performance.now();
      state.lastAt = performance.now();
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(address, resolve));
  return {
    address,
    get lines() { return state.lines; },
    get firstAt() { return state.firstAt; },
    get lastAt() { return state.lastAt; },
    async ended(ms: number) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); });
      await Promise.race([Promise.all(open), timeout]);
      clearTimeout(timer);
    },
    close() {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
