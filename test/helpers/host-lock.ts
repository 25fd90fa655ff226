/**
 * A lock shared by test files that use one host-wide thing at a time (the default node bridge,
 * cgroup root and port of a `berth up` agent): test files run in parallel, and two such files must
 * take turns. The lock is a file created exclusively, holding the owner's pid; a lock whose owner
 * died is taken over, so a killed run never blocks the next one.
 */
import { openSync, closeSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until this process holds lock `name`; resolves to the release function. */
export async function acquireHostLock(name: string, timeoutMs = 600_000): Promise<() => void> {
  const path = join(tmpdir(), `berth-test-lock-${name}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path);
        } catch {
          // Already gone.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner: number;
    try {
      owner = Number(readFileSync(path, 'utf8'));
    } catch {
      continue; // Released meanwhile: try again at once.
    }
    if (!Number.isInteger(owner) || owner <= 0 || !alive(owner)) {
      try {
        unlinkSync(path); // The owner died (or never wrote its pid): take the lock over.
      } catch {
        // Someone else took it over first.
      }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`host lock ${name} still held by pid ${owner}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
