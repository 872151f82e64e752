// At process exit the event loop never runs again, so a socket write still queued then is lost:
// the tail of a busy program's stream, which the client was still reading. On Unix sockets the
// agent writes what the client has not got yet synchronously, waiting while the client keeps
// reading, and gives up on one that stalls, so an exit is delayed only by a client that is
// catching up (and by at most EXIT_STALL_MS for one that stopped reading).
import * as fs from 'fs';
import type { Socket } from 'net';

/** Longest a client may take no bytes before the exit gives up on it. */
export const EXIT_STALL_MS = 500;
/** Longest the exit waits for all clients together. */
export const EXIT_DEADLINE_MS = 3000;

interface StreamHandle {
  fd?: unknown;
  writeQueueSize?: unknown;
}

/** The socket's descriptor and how many bytes of its writes it has not handed to the kernel yet;
 *  undefined where there is no descriptor to write to (Windows pipes and sockets). */
export function rawSocket(socket: Socket): { fd: number; unsent: number } | undefined {
  const handle = (socket as unknown as { _handle?: StreamHandle | null })._handle;
  const fd = handle?.fd;
  const unsent = handle?.writeQueueSize;
  if (typeof fd !== 'number' || fd < 0 || typeof unsent !== 'number' || unsent < 0) return undefined;
  return { fd, unsent };
}

/** Writes `bytes` to the non-blocking `fd`, sleeping a millisecond whenever the reader's buffer is
 *  full; false when the reader is gone, stalls for EXIT_STALL_MS, or `deadline` (Date.now()) passes. */
export function writeBeforeExit(fd: number, bytes: Buffer, deadline: number): boolean {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  let offset = 0;
  let progressAt = Date.now();
  while (offset < bytes.length) {
    let written = 0;
    try {
      written = fs.writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return false; // EPIPE: the client is gone
    }
    const now = Date.now();
    if (written > 0) {
      offset += written;
      progressAt = now;
      continue;
    }
    if (now >= deadline || now - progressAt >= EXIT_STALL_MS) return false;
    Atomics.wait(nap, 0, 0, 1);
  }
  return true;
}
