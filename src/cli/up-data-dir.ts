import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The directory `berth up` keeps everything in: `--data-dir`, or ~/.berth. */
export function upDataDir(flag: string | undefined): string {
  return resolve(flag ?? join(homedir(), '.berth'));
}
