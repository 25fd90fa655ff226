import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs `script` (an ES module body that may `await import(...)` and writes its finding to stdout)
 * in a fresh node process from the repository root, with bin/berth's compile cache, and returns
 * what it printed: tests of what a module graph loads see a process no other test has touched.
 */
export function runImportProbe(script: string): string {
  return execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NODE_COMPILE_CACHE: join(repoRoot, 'node_modules', '.cache', 'berth-compile') },
  });
}
