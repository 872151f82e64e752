// Connects to an agent in listen mode (ASYNCINFO_LISTEN): a Unix socket / pipe path, or
// HOST:PORT / tcp://HOST:PORT with the token the agent was started with.
import * as net from 'net';
import { AgentConnection } from './agentConnection';

export interface AttachTarget {
  tcp?: { host: string; port: number };
  path?: string;
}

const TCP = /^(?:tcp:\/\/)?(\[[0-9a-fA-F:]+\]|[0-9.]+|localhost):(\d{1,5})$/;

/** Parses what a user typed; throws an Error that says what is wrong. */
export function parseAttachAddress(text: string): AttachTarget {
  const value = text.trim();
  if (value === '') throw new Error('Enter an address: a socket path, or HOST:PORT.');
  const tcp = TCP.exec(value);
  if (tcp) {
    const port = Number(tcp[2]);
    if (port < 1 || port > 65535) throw new Error(`Port ${tcp[2]} is out of range (1-65535).`);
    return { tcp: { host: tcp[1].replace(/^\[|\]$/g, ''), port } };
  }
  if (/^[a-z]+:\/\//i.test(value)) throw new Error(`Unsupported address "${value}": use a socket path or tcp://HOST:PORT.`);
  return { path: value };
}

/** Resolves once the agent said hello (after auth on TCP); rejects with a clear reason. */
export function attach(target: AttachTarget, token: string | undefined, timeoutMs = 5000): Promise<AgentConnection> {
  return new Promise((resolve, reject) => {
    const socket = target.tcp ? net.connect(target.tcp.port, target.tcp.host) : net.connect(target.path!);
    const connection = new AgentConnection(socket);
    const fail = (reason: string) => {
      clearTimeout(timer);
      connection.dispose();
      reject(new Error(reason));
    };
    const timer = setTimeout(() => fail(target.tcp ? 'The agent did not answer: is the token right?' : 'The agent did not answer.'), timeoutMs);
    socket.once('error', (error: NodeJS.ErrnoException) => fail(`Cannot connect: ${error.code === 'ENOENT' ? 'no such socket' : error.message}`));
    socket.once('connect', () => {
      if (target.tcp) connection.send({ type: 'auth', token: token ?? '' });
    });
    connection.onHello(() => {
      clearTimeout(timer);
      resolve(connection);
    });
    connection.onClose(() => fail(target.tcp ? 'The agent closed the connection: the token was refused.' : 'The agent closed the connection.'));
  });
}
