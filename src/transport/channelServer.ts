// The extension's side of the debug channel: one server socket per window, in a directory only
// this user can enter, that every injected agent (and its child processes) connects to.
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { EventEmitter } from '../common/events';
import type { IDisposable } from '../common/disposable';
import { AgentConnection } from './agentConnection';

export class ChannelServer implements IDisposable {
  private readonly connected = new EventEmitter<AgentConnection>();
  private readonly connections = new Set<AgentConnection>();
  readonly onDidConnect = this.connected.event;

  private constructor(private readonly server: net.Server, readonly address: string, private readonly dir: string | undefined) {
    server.on('connection', (socket) => {
      const connection = new AgentConnection(socket);
      this.connections.add(connection);
      connection.onClose(() => this.connections.delete(connection));
      // Announce only agents that said hello: a stray connection never reaches the view.
      connection.onHello(() => this.connected.fire(connection));
    });
  }

  static async start(): Promise<ChannelServer> {
    let dir: string | undefined;
    let address: string;
    if (process.platform === 'win32') {
      address = `\\\\.\\pipe\\asyncinfo-${process.pid}-${Math.random().toString(36).slice(2)}`;
    } else {
      dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'asyncinfo-'));
      await fs.promises.chmod(dir, 0o700);
      address = path.join(dir, 'channel.sock');
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
