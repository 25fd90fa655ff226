/**
 * Fills bin/berth's compile cache with every module under src/ (tests and the CLI entry point
 * left out), so the first `berth server` or `berth up` after an install starts as later ones do:
 * from compiled modules, without Node's TypeScript stripper. A start that meets even one module
 * missing from the cache loads the stripper (WebAssembly) and keeps ~11–20 MB more resident for the
 * rest of its life — the difference between a first and a second start's idle RSS.
 *
 * Run by `npm run build:cache` (the quick start and `npm test` run it). The cache is keyed on V8
 * flags: this imports with the flags bin/berth gives `berth server` (none that change V8); the
 * agent runs from its bundle (npm run build:agent), which needs no stripper.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { enableCompileCache, flushCompileCache } from 'node:module';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const srcRoot = join(import.meta.dirname, '..');
/** bin/berth's compile cache (NODE_COMPILE_CACHE overrides it there and here). */
const cacheDir =
  process.env.NODE_COMPILE_CACHE || join(srcRoot, '..', 'node_modules', '.cache', 'berth-compile');

/** The modules to compile: every .ts under src/ that is not a test and not the CLI entry point. */
export function modulesToWarm(root = srcRoot): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'testdata') walk(p);
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts'))
        out.push(p);
    }
  };
  walk(root);
  // main.ts runs the command line when imported (it is warmed by running `berth version`); this
  // file is the one importing.
  const skip = new Set([join('cli', 'main.ts'), join('cli', 'warm-compile-cache.ts')]);
  return out.filter((p) => !skip.has(relative(root, p))).sort();
}

if (import.meta.main) {
  enableCompileCache(cacheDir);
  for (const file of modulesToWarm()) {
    try {
      await import(pathToFileURL(file).href);
    } catch (err) {
      // A module is compiled (and cached) before it runs: one that throws when run outside its own
      // thread or process (a worker's entry without its workerData) is cached all the same.
      if (process.env.BERTH_WARM_VERBOSE)
        process.stderr.write(`${relative(srcRoot, file)}: ${String(err)}\n`);
    }
  }
  flushCompileCache();
  // The entry point, by running the cheapest command through bin/berth itself.
  spawnSync(join(srcRoot, '..', 'bin', 'berth'), ['version'], {
    stdio: 'ignore',
    env: { ...process.env, NODE_COMPILE_CACHE: cacheDir },
  });
  // Imported modules may hold timers or handles; the cache is written, so leave now.
  process.exit(0);
}
