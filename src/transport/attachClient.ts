// Connects to an agent in listen mode (ASYNCINFO_LISTEN): a Unix socket / pipe path, or
// HOST:PORT / tcp://HOST:PORT with the token the agent was started with.
import * as net from 'net';
import { parseAddress, type ChannelAddress } from '../protocol/address';
import { AgentConnection } from './agentConnection';

export type AttachTarget = ChannelAddress;

/** Parses what a user typed, as the agent's own variables spell addresses; throws a clear Error. */
export function parseAttachAddress(text: string): AttachTarget {
  const value = text.trim();
  if (value === '') throw new Error('Enter an address: a socket path, or HOST:PORT.');
  const address = parseAddress(value);
  if (address.kind === 'tcp' && address.port === 0) throw new Error('Port 0 is not an address to attach to: use the port the program wrote to its ASYNCINFO_LISTEN_FILE.');
  if (address.kind === 'path' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new Error(`Unsupported address "${value}": use a socket path or tcp://HOST:PORT.`);
  }
  return address;
}

/** Resolves once the agent said hello (after auth on TCP); rejects with a clear reason. */
export function attach(target: AttachTarget, token: string | undefined, timeoutMs = 5000): Promise<AgentConnection> {
  return new Promise((resolve, reject) => {
    const socket = target.kind === 'tcp' ? net.connect(target.port, target.host) : net.connect(target.path);
    const connection = new AgentConnection(socket);
    const fail = (reason: string) => {
      clearTimeout(timer);
      connection.dispose();
      reject(new Error(reason));
    };
    const timer = setTimeout(() => fail(target.kind === 'tcp' ? 'The agent did not answer: is the token right?' : 'The agent did not answer.'), timeoutMs);
    socket.once('error', (error: NodeJS.ErrnoException) => fail(`Cannot connect: ${error.code === 'ENOENT' ? 'no such socket' : error.message}`));
    socket.once('connect', () => {
      if (target.kind === 'tcp') connection.send({ type: 'auth', token: token ?? '' });
    });
    connection.onHello(() => {
      clearTimeout(timer);
      resolve(connection);
    });
    connection.onClose(() => fail(target.kind === 'tcp' ? 'The agent closed the connection: the token was refused.' : 'The agent closed the connection.'));
  });
}
