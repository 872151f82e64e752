// The agent's listening socket (ASYNCINFO_LISTEN). A Unix socket is 0600 whatever the umask, from
// the moment it exists; a socket file left by a killed program is replaced, but only once nothing
// answers on it. Windows pipes have no file and no umask.
import * as fs from 'fs';
import * as net from 'net';
import { formatAddress, type ChannelAddress } from '../protocol/address';
import { debugLog, describeError } from './debugLog';
import { ownedByUs } from './files';

export interface ListenCallbacks {
  connection(socket: net.Socket): void;
  /** Listening; `address` as written to the address file. */
  listening(address: string): void;
}

const isWindowsPipe = (path: string): boolean => /^[\\/][\\/][.?][\\/]pipe[\\/]/i.test(path);

export function listen(address: ChannelAddress, callbacks: ListenCallbacks): void {
  const server = net.createServer((socket) => callbacks.connection(socket));
  server.unref();
  let retried = false;
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (address.kind === 'path' && error.code === 'EADDRINUSE' && !retried && !isWindowsPipe(address.path)) {
      retried = true;
      replaceIfStale(address.path, () => bindPath(server, address.path));
      return;
    }
    debugLog(`cannot listen on ${formatAddress(address)}: ${describeError(error)}`);
  });
  server.on('listening', () => {
    const bound = server.address();
    if (address.kind === 'tcp') {
      const actual: ChannelAddress = bound && typeof bound === 'object' ? { kind: 'tcp', host: bound.address, port: bound.port } : address;
      return callbacks.listening(formatAddress(actual));
    }
    if (!isWindowsPipe(address.path) && !isPrivate(address.path)) {
      // A platform whose sockets ignore the umask: refuse to serve rather than serve everyone.
      debugLog(`not listening on ${address.path}: the socket is not private (0600)`);
      server.close();
      return;
    }
    callbacks.listening(address.path);
  });
  if (address.kind === 'tcp') server.listen({ host: address.host, port: address.port });
  else bindPath(server, address.path);
}

/**
 * bind() makes the socket file with the mode the umask leaves: 0177 for that one synchronous call
 * makes it 0600 before any client can connect. `exclusive` binds here and now, in this process,
 * even in a cluster worker. The agent binds while the program is preloading, before its own code
 * runs, so no file of the program's is created under the borrowed umask.
 */
function bindPath(server: net.Server, path: string): void {
  let previous: number | undefined;
  try {
    previous = process.umask(0o177);
  } catch {
    previous = undefined; // no umask here (a platform without one): the mode is checked after
  }
  try {
    server.listen({ path, exclusive: true });
  } finally {
    if (previous !== undefined) process.umask(previous);
  }
}

function isPrivate(path: string): boolean {
  try {
    return (fs.statSync(path).mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** Calls `retry` after removing the socket file at `path` if nobody answers on it and it is ours. */
function replaceIfStale(path: string, retry: () => void): void {
  const probe = net.connect(path);
  probe.unref();
  probe.once('connect', () => {
    probe.destroy();
    debugLog(`not listening on ${path}: another process is listening there`);
  });
  probe.once('error', (error: NodeJS.ErrnoException) => {
    probe.destroy();
    try {
      if (error.code === 'ECONNREFUSED') {
        const stats = fs.lstatSync(path);
        if (!stats.isSocket() || !ownedByUs(stats)) {
          debugLog(`not listening on ${path}: something else is there`);
          return;
        }
        fs.unlinkSync(path);
      } else if (error.code !== 'ENOENT') {
        debugLog(`not listening on ${path}: ${describeError(error)}`);
        return;
      }
      retry();
    } catch (failure) {
      debugLog(`not listening on ${path}: ${describeError(failure)}`);
    }
  });
}
