// Channel addresses as the agent's environment variables and address files spell them:
// `tcp://HOST:PORT` or `HOST:PORT` (HOST an IP address or `localhost`, PORT digits) is TCP,
// anything else is a Unix socket / Windows pipe path. Shared by the agent and the extension.
import { isIP } from 'net';

export type ChannelAddress =
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'path'; path: string };

const TCP = /^(?:tcp:\/\/)?(\[[0-9a-fA-F:.]+\]|[^:/\\\s]*|[0-9a-fA-F:.]+):(\d{1,5})$/;

/** Parses an address; an empty HOST (`:0`) means 127.0.0.1. */
export function parseAddress(value: string): ChannelAddress {
  const m = TCP.exec(value);
  if (m) {
    const host = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
    const port = Number(m[2]);
    if (port <= 65535 && (host === '' || host === 'localhost' || isIP(host) !== 0)) {
      return { kind: 'tcp', host: host === '' ? '127.0.0.1' : host, port };
    }
  }
  return { kind: 'path', path: value };
}

/** The one-line form written to address files: `tcp://HOST:PORT` or the path. */
export function formatAddress(address: ChannelAddress): string {
  if (address.kind === 'path') return address.path;
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `tcp://${host}:${address.port}`;
}
