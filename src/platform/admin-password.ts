/**
 * The console's `admin` password: created once, on first start, as 24 random URL-safe characters in
 * DATA_DIR/admin-password (mode 0600), and read back on later starts. Checking a login hashes both
 * sides and compares the digests in constant time, so neither the length nor a common prefix of the
 * real password leaks through response timing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The one user this slice of the console knows. */
export const adminUser = 'admin';

/** File name under the data directory. */
export const adminPasswordFile = 'admin-password';

/** The password and whether this call created it (so the caller prints it only once). */
export interface AdminPassword {
  password: string;
  path: string;
  created: boolean;
}

/** Reads DATA_DIR/admin-password, creating it (mode 0600, atomically) when absent or empty. */
export async function ensureAdminPassword(dataDir: string): Promise<AdminPassword> {
  const path = join(dataDir, adminPasswordFile);
  try {
    const password = (await readFile(path, 'utf8')).trim();
    if (password !== '') return { password, path, created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const password = randomBytes(18).toString('base64url');
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${password}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
  return { password, path, created: true };
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** True when `user`/`password` are the admin's; time does not depend on where they differ. */
export function checkCredentials(expectedPassword: string, user: string, password: string): boolean {
  // Both comparisons always run: `&&` would skip the password check for a wrong user name.
  const userOk = timingSafeEqual(digest(user), digest(adminUser));
  const passwordOk = timingSafeEqual(digest(password), digest(expectedPassword));
  return userOk && passwordOk;
}
