// Files the agent makes in directories others may share (/tmp): never through a symlink, never
// into a file someone else made, never blocking on a FIFO, and 0600 whatever the umask.
import * as fs from 'fs';
import { randomBytes } from 'crypto';

const { O_WRONLY, O_CREAT, O_EXCL } = fs.constants;
// Not defined on Windows, where symlinks need privileges and FIFOs do not exist.
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

export function ownedByUs(stats: fs.Stats): boolean {
  return typeof process.getuid !== 'function' || stats.uid === process.getuid();
}

/**
 * Makes `file` hold `text`, whole at once (a client polling it never reads half), as a new file
 * of ours: written to a fresh exclusive temp file, then hard-linked to its name (fails if the name
 * exists, never follows a symlink). A name that is taken is replaced only when it is a regular
 * file of our own (a stale address file of an earlier run); anything else is refused (throws).
 */
export function writeNewFile(file: string, text: string): void {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    try {
      fs.writeSync(fd, text);
    } finally {
      fs.closeSync(fd);
    }
    try {
      fs.linkSync(temp, file);
      return;
    } catch {
      // taken, or a file system without hard links: look at what is there
    }
    let existing: fs.Stats | undefined;
    try {
      existing = fs.lstatSync(file);
    } catch {
      existing = undefined;
    }
    if (existing && !(existing.isFile() && ownedByUs(existing))) throw new Error(`${file} exists and is not a file of ours`);
    fs.renameSync(temp, file); // replaces the name itself: never writes through it
  } finally {
    try {
      fs.unlinkSync(temp);
    } catch {
      // renamed into place
    }
  }
}

/**
 * Opens `file` to append to it: a new file (0600), or a regular file of ours with no other name.
 * Refuses (throws) a symlink, a file owned by someone else, a hard link, and a FIFO or device
 * (opened non-blocking: a FIFO with no reader must not freeze the program at startup).
 */
export function openOwnFile(file: string): { fd: number; size: number } {
  const fd = fs.openSync(file, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK, 0o600);
  try {
    const stats = fs.fstatSync(fd);
    if (!stats.isFile()) throw new Error(`${file} is not a regular file`);
    if (!ownedByUs(stats)) throw new Error(`${file} belongs to another user`);
    if (stats.nlink > 1) throw new Error(`${file} has other names (hard links)`);
    return { fd, size: stats.size };
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}
