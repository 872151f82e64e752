// The extension's side of the debug channel: one server socket per window, in a directory only
// this user can enter, that every injected agent (and its child processes) connects to.
import { randomBytes, timingSafeEqual } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { EventEmitter } from '../common/events';
import type { IDisposable } from '../common/disposable';
import { AgentConnection } from './agentConnection';

const DIR_PREFIX = 'asyncinfo-';
const SOCKET_NAME = 'channel.sock';

/**
 * A window that was killed (not closed) leaves its channel directory behind. Removes this user's
 * directories whose socket no longer answers; a live window's socket accepts, so it stays.
 */
export async function removeStaleChannels(tmp: string): Promise<void> {
  try {
    const uid = process.getuid?.();
    for (const name of await fs.promises.readdir(tmp)) {
      if (!name.startsWith(DIR_PREFIX)) continue;
      const dir = path.join(tmp, name);
      const stat = await fs.promises.lstat(dir).catch(() => undefined);
      if (!stat?.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      const state = await probe(path.join(dir, SOCKET_NAME));
      if (state === 'live') continue;
      // No socket yet: maybe a window still starting (it listens moments after making the directory).
      if (state === 'missing' && Date.now() - stat.mtimeMs < 60_000) continue;
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  } catch {
    // tidying up is best effort
  }
}

function probe(socketPath: string): Promise<'live' | 'refused' | 'missing'> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve('live');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ENOENT' ? 'missing' : 'refused'));
  });
}

/** Where this window's programs report, and the secret they say hello with. */
export interface ChannelCredentials {
  readonly address: string;
  readonly token: string;
}

/** Whether `hello` carries this window's token (compared in constant time). */
function carriesToken(hello: { token?: unknown }, token: Buffer): boolean {
  if (typeof hello.token !== 'string') return false;
  const given = Buffer.from(hello.token);
  return given.length === token.length && timingSafeEqual(given, token);
}

export class ChannelServer implements IDisposable, ChannelCredentials {
  private readonly connected = new EventEmitter<AgentConnection>();
  private readonly connections = new Set<AgentConnection>();
  readonly onDidConnect = this.connected.event;
  /** The secret the programs of this window are given (ASYNCINFO_TOKEN) and must say hello with:
   *  a Windows named pipe's default ACL lets every local user connect, and a socket in a private
   *  directory gains a second lock. */
  readonly token = randomBytes(32).toString('hex');

  private constructor(private readonly server: net.Server, readonly address: string, private readonly dir: string | undefined) {
    const token = Buffer.from(this.token);
    server.on('connection', (socket) => {
      const connection = new AgentConnection(socket);
      this.connections.add(connection);
      connection.onClose(() => this.connections.delete(connection));
      // Announce only agents that said hello with the token: a stranger never reaches the view.
      connection.onHello((hello) => {
        if (carriesToken(hello, token)) this.connected.fire(connection);
        else connection.dispose();
      });
    });
  }

  static async start(): Promise<ChannelServer> {
    let dir: string | undefined;
    let address: string;
    if (process.platform === 'win32') {
      // Unguessable, so another user cannot squat the name first.
      address = `\\\\.\\pipe\\asyncinfo-${randomBytes(16).toString('hex')}`;
    } else {
      void removeStaleChannels(os.tmpdir());
      dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), DIR_PREFIX));
      await fs.promises.chmod(dir, 0o700);
      address = path.join(dir, SOCKET_NAME);
    }
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new ChannelServer(server, address, dir);
  }

  dispose(): void {
    for (const connection of this.connections) connection.dispose();
    this.server.close();
    this.connected.dispose();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
