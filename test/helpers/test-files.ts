/**
 * Which test files the test command runs: every `*.test.ts` under the source roots, narrowed by the
 * filters given on the command line. Kept apart from test/run.ts so the selection rules are testable.
 */
import { globSync } from 'node:fs';

/**
 * The folders whose `*.test.ts` files make up the suite (bench/ tests its own harness, images/ its
 * push helper; console/ holds the web console's logic tests, plain TypeScript beside the pages).
 */
export const testRoots = ['src', 'test', 'bench', 'console', 'images'] as const;

/** All test files under `root`, as root-relative POSIX paths, sorted. */
export function findTestFiles(root: string): string[] {
  const found = testRoots.flatMap((dir) =>
    globSync(`${dir}/**/*.test.ts`, { cwd: root, exclude: (p) => /(^|\/)node_modules$/.test(String(p)) }),
  );
  return [...new Set(found.map((p) => p.split('\\').join('/')))].sort();
}

/**
 * Keeps the files whose path contains any filter (so `src/store` picks a folder and `kubectl` picks
 * by name); no filters keeps everything. The `.test.ts` suffix is not part of what is matched, so
 * `test` means the test/ folder rather than every file. A leading `./` or trailing `/` is ignored.
 */
export function selectTestFiles(files: readonly string[], filters: readonly string[]): string[] {
  const wanted = filters.map((f) => f.replace(/^\.\//, '').replace(/\/+$/, '')).filter((f) => f.length > 0);
  if (wanted.length === 0) return [...files];
  return files.filter((file) => {
    const stem = file.endsWith('.test.ts') ? file.slice(0, -'.test.ts'.length) : file;
    return wanted.some((w) => stem.includes(w) || file === w);
  });
}

/** Splits the runner's argv into node flags (start with `-`, passed to `node --test`) and path filters. */
export function splitArgs(argv: readonly string[]): { nodeFlags: string[]; filters: string[] } {
  const nodeFlags: string[] = [];
  const filters: string[] = [];
  for (const arg of argv) (arg.startsWith('-') ? nodeFlags : filters).push(arg);
  return { nodeFlags, filters };
}
