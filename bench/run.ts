/**
 * `npm run bench -- NAME [args]`: runs bench/NAME.ts in its own Node process (the pinned runtime,
 * process.execPath) so one benchmark's heap and JIT state never colour another's. Without a NAME, or
 * with an unknown one, lists the benchmarks with the first line of each file's doc comment.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const notBenchmarks = new Set(['harness.ts', 'run.ts']);

/** The benchmark names available in bench/, sorted. */
export function listBenchmarks(dir = benchDir): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !notBenchmarks.has(f))
    .map((f) => f.slice(0, -'.ts'.length))
    .sort();
}

/** The first sentence-line of a file's leading doc comment, for the listing. */
export function describeBenchmark(file: string): string {
  const m = /\/\*\*\s*\n?\s*\*?\s*([^\n]*)/.exec(readFileSync(file, 'utf8'));
  return m?.[1]?.trim() ?? '';
}

function usage(names: string[], unknown?: string): void {
  if (unknown) process.stderr.write(`unknown benchmark: ${unknown}\n\n`);
  process.stderr.write('usage: npm run bench -- NAME [args]\n\navailable benchmarks:\n');
  for (const n of names)
    process.stderr.write(`  ${n.padEnd(24)} ${describeBenchmark(join(benchDir, `${n}.ts`))}\n`);
}

async function main(argv: string[]): Promise<number> {
  const names = listBenchmarks();
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || !names.includes(name)) {
    usage(names, name && !name.startsWith('-') ? name : undefined);
    return name && name !== '--help' && name !== '-h' ? 2 : 0;
  }
  const child = spawn(
    process.execPath,
    ['--no-warnings=ExperimentalWarning', join(benchDir, `${name}.ts`), ...args],
    {
      stdio: 'inherit',
    },
  );
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
