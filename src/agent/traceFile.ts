// The trace file: the same bytes a client gets (hello, then events), appended to a file. Writes are
// positional, so the tail still queued when the process exits can be written synchronously in
// order, and a write still in flight then can be repeated safely (same bytes, same place).
import * as fs from 'fs';
import { openOwnFile } from './files';
import { Outbox } from './outbox';

export class TraceFile {
  readonly outbox: Outbox;
  private readonly fd: number;
  private position: number;
  private inFlight: { bytes: Buffer; position: number } | undefined;

  /** Opens (creating) the file; throws when it cannot or must not (see openOwnFile). */
  constructor(readonly path: string, now: () => number, onIdle: (idle: boolean) => void) {
    const { fd, size } = openOwnFile(path);
    this.fd = fd;
    this.position = size;
    this.outbox = new Outbox((bytes, done) => this.write(bytes, done), now, undefined, onIdle);
  }

  private write(bytes: Buffer, done: (error?: unknown) => void): void {
    const position = this.position;
    this.position += bytes.length;
    this.inFlight = { bytes, position };
    writeAll(this.fd, bytes, position, (error) => {
      this.inFlight = undefined;
      done(error ?? undefined);
    });
  }

  /** At process exit: whatever was not written yet, synchronously, in order. */
  flushSync(): void {
    try {
      if (this.inFlight) fs.writeSync(this.fd, this.inFlight.bytes, 0, undefined, this.inFlight.position);
      const rest = this.outbox.takeRest();
      if (rest.length > 0) {
        fs.writeSync(this.fd, rest, 0, rest.length, this.position);
        this.position += rest.length;
      }
    } catch {
      // the disk is full or gone: nothing the program should hear about
    }
  }
}

function writeAll(fd: number, bytes: Buffer, position: number, done: (error: Error | null) => void): void {
  fs.write(fd, bytes, 0, bytes.length, position, (error, written) => {
    if (error) done(error);
    else if (written < bytes.length) writeAll(fd, bytes.subarray(written), position + written, done);
    else done(null);
  });
}
