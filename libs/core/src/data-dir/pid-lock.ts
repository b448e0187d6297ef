import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

/** Another live process holds the lock. */
export class PidLockedError extends Error {
  constructor(
    readonly path: string,
    readonly pid: number,
  ) {
    super(
      `${path} is held by process ${pid}. If no GlitchTip-TS process is running with that pid, delete the file.`,
    );
  }
}

export interface PidLock {
  readonly path: string;
  release(): void;
}

const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Pid in the lock file, or null if there is none (or it is unreadable). */
export function lockHolder(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (!(pid > 0)) return null;
    // A lock with our own pid that this process did not take is left over from an earlier run (containers
    // restart with the same pid).
    if (pid === process.pid && !heldHere.has(path)) return null;
    return isAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/**
 * An exclusive lock held for the life of the process: a file holding our pid, created with O_EXCL. A lock whose
 * process is gone (kill -9, a crash) is taken over.
 */
export function acquirePidLock(path: string): PidLock {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      heldHere.add(path);
      let released = false;
      return {
        path,
        release() {
          if (released) return;
          released = true;
          heldHere.delete(path);
          try {
            unlinkSync(path);
          } catch {
            /* already gone */
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = lockHolder(path);
      if (holder !== null) throw new PidLockedError(path, holder);
      try {
        unlinkSync(path); // stale
      } catch {
        /* someone else removed it first */
      }
    }
  }
  throw new PidLockedError(path, lockHolder(path) ?? 0);
}

/** Whether a process with this pid exists. */
export function processIsAlive(pid: number): boolean {
  return pid > 0 && isAlive(pid);
}
