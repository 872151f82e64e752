// Real processes and real sockets for the agent tests: fixture programs started with the agent
// preloaded, clients that read the agent's NDJSON, and a scope that kills and closes everything
// after each test, whatever happened in it.
import { fork, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '../../../..');
export const AGENT = path.join(ROOT, 'dist/agent.js');
export const FIXTURES = path.join(ROOT, 'test/fixtures/agent');
export const PROGRAM = path.join(FIXTURES, 'program.js');

/** Generous: the tests assert on what happens, never on how fast. */
export const PATIENCE_MS = 15000;

export type Message = Record<string, unknown> & { type: string };

export async function waitUntil<T>(check: () => T | undefined | false, what: string, timeoutMs = PATIENCE_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The environment of a fixture: ours without any ASYNCINFO_* or NODE_OPTIONS, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('ASYNCINFO_') && k !== 'NODE_OPTIONS') env[k] = v;
  }
  return { ...env, ...extra };
}

/** Everything a test starts; `dispose()` in afterEach ends it all. */
export class Scope {
  private readonly children: ChildProcess[] = [];
  private readonly closers: (() => void)[] = [];
  readonly dir: string;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyncinfo-agent-'));
    fs.chmodSync(this.dir, 0o700);
  }

  file(name: string): string {
    return path.join(this.dir, name);
  }

  track(child: ChildProcess): ChildProcess {
    this.children.push(child);
    return child;
  }

  onDispose(close: () => void): void {
    this.closers.push(close);
  }

  dispose(): void {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    for (const close of this.closers) {
      try {
        close();
      } catch {
        // already closed
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** program.js with the agent preloaded, driven over IPC. */
  async program(env: Record<string, string>, execArgv: string[] = ['--require', AGENT]): Promise<Program> {
    const child = this.track(fork(PROGRAM, [], { env: cleanEnv(env), execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] }));
    const program = new Program(child);
    await program.ready;
    return program;
  }

  /** A script with the agent preloaded, run to its end: its exit code and output. */
  run(script: string, args: string[], env: Record<string, string>, nodeArgs = ['--require', AGENT]): Promise<Finished> {
    const child = this.track(spawn(process.execPath, [...nodeArgs, script, ...args], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, pid: child.pid! })));
  }

  /** A client's server for connect mode: the agents that dial in. */
  async server(address: { path: string } | { port: 0 }): Promise<ClientServer> {
    const server = new ClientServer();
    this.onDispose(() => server.close());
    await server.listen(address);
    return server;
  }

  /** A client dialing an agent that listens. */
  async dial(address: string): Promise<Client> {
    const m = /^tcp:\/\/(.+):(\d+)$/.exec(address);
    const socket = m ? net.connect({ host: m[1], port: Number(m[2]) }) : net.connect(address);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new Client(socket);
    this.onDispose(() => socket.destroy());
    return client;
  }
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
}

export class Program {
  readonly ready: Promise<void>;
  readonly exited: Promise<number | null>;
  stderr = '';
  private seq = 0;
  private readonly waiting = new Map<number, (reply: Record<string, unknown>) => void>();

  constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (d) => (this.stderr += d));
    child.stdout!.resume();
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    this.ready = new Promise((resolve, reject) => {
      child.on('message', (m: Record<string, unknown>) => {
        if (m.ready) resolve();
        const done = this.waiting.get(m.seq as number);
        if (done) {
          this.waiting.delete(m.seq as number);
          done(m);
        }
      });
      child.on('exit', (code) => reject(new Error(`program exited early (${code}): ${this.stderr}`)));
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Asks program.js to do something (see its `handlers`); resolves with its answer. */
  call(command: string, args: Record<string, unknown> = {}): Promise<Record<string, any>> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, (reply) => (reply.error ? reject(new Error(String(reply.error))) : resolve(reply)));
      this.child.send({ do: command, seq, ...args });
    });
  }

  async start(args: Record<string, unknown> = {}): Promise<number> {
    return (await this.call('start', args)).id as number;
  }
}

/** Reads an agent's NDJSON stream: every message parsed, in order. */
export class Client {
  readonly messages: Message[] = [];
  raw = '';
  closed = false;
  private partial = '';

  constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      this.raw += text;
      const lines = (this.partial + text).split('\n');
      this.partial = lines.pop()!;
      for (const line of lines) if (line !== '') this.messages.push(JSON.parse(line) as Message);
    });
    socket.on('error', () => {});
    socket.on('close', () => (this.closed = true));
  }

  send(message: object | string): void {
    this.socket.write(typeof message === 'string' ? message : JSON.stringify(message) + '\n');
  }

  /** The first message (from `from` on) that satisfies `match`. */
  waitFor(match: (m: Message) => boolean, what: string, from = 0): Promise<Message> {
    return waitUntil(() => this.messages.slice(from).find(match), what);
  }

  waitForType(type: string, extra: Record<string, unknown> = {}): Promise<Message> {
    return this.waitFor((m) => m.type === type && Object.entries(extra).every(([k, v]) => m[k] === v), `${type} ${JSON.stringify(extra)}`);
  }

  async request(command: Record<string, unknown>): Promise<Message> {
    this.send(command);
    return this.waitFor((m) => m.type === 'reply' && m.req === command.req, `reply to ${JSON.stringify(command)}`);
  }

  waitClosed(): Promise<true> {
    return waitUntil(() => this.closed || undefined, 'the connection to close');
  }

  /** The messages after hello up to snapshotEnd. */
  snapshot(): Message[] {
    const end = this.messages.findIndex((m) => m.type === 'snapshotEnd');
    return this.messages.slice(1, end);
  }
}

/** Where agents in connect mode dial in; each agent is one Client. */
export class ClientServer {
  readonly clients: Client[] = [];
  address = '';
  private readonly server = net.createServer((socket) => this.clients.push(new Client(socket)));

  listen(address: { path: string } | { port: 0 }): Promise<void> {
    return new Promise((resolve) => {
      if ('path' in address) {
        this.server.listen(address.path, () => {
          this.address = address.path;
          resolve();
        });
      } else {
        this.server.listen(0, '127.0.0.1', () => {
          this.address = `tcp://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
          resolve();
        });
      }
    });
  }

  nextClient(index = 0): Promise<Client> {
    return waitUntil(() => this.clients[index], `agent connection #${index + 1}`);
  }

  /** The connection whose hello came from `pid`. */
  clientOf(pid: number): Promise<Client> {
    return waitUntil(() => this.clients.find((c) => c.messages[0]?.pid === pid), `a connection with hello from pid ${pid}`);
  }

  close(): void {
    for (const c of this.clients) c.socket.destroy();
    this.server.close();
  }
}

export function readAddressFile(file: string): Promise<string> {
  return waitUntil(() => {
    try {
      const text = fs.readFileSync(file, 'utf8');
      return text.endsWith('\n') ? text.trim() : undefined;
    } catch {
      return undefined;
    }
  }, `address file ${file}`);
}

export function parseLines(text: string): Message[] {
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Message);
}
