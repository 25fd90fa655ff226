/**
 * The agent's bundle (`npm run build:agent`): the `berth` command with all its modules, Berth's own
 * and node_modules', bundled by rolldown into a few ASCII-only ES modules under dist/agent/.
 * `bin/berth agent` runs it when it was built from exactly the files present, else the sources.
 *
 * Why: an agent that loads ~400 type-stripped modules keeps each one's source, module record and
 * compile-cache entry for good. The bundle keeps a few sources without comments or indentation
 * (whitespace removed; names are not mangled, so stack traces still read), and ASCII-only: V8 stores
 * a source with one non-ASCII character (a `→` in a comment) as two bytes a character. An idle agent
 * measured ~11 MB less RSS (docs/memory.md). Running plain JavaScript also lets the agent run
 * --jitless (bin/berth; ~7 MB more): the TypeScript stripper the sources need is WebAssembly, which
 * --jitless lacks.
 *
 * Freshness: dist/agent/inputs.sha256 lists every file that went into the bundle with its SHA-256
 * (sha256sum's format, paths relative to the repository). bin/berth checks it with `sha256sum
 * --check` before every start: a source changed, moved or deleted since the build makes the agent run
 * from the sources instead — a stale bundle never runs. The list is written last, after the chunks,
 * and removed first: an interrupted build leaves no list, so it never runs either.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'rolldown';

/** The repository this file belongs to. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
/** Where `npm run build:agent` writes the bundle; bin/berth looks for it here. */
export const defaultBundleDir = join(repoRoot, 'dist', 'agent');
/** The freshness list inside a bundle directory. */
export const inputsFile = 'inputs.sha256';

/** Chunks of earlier builds are kept this long: an agent started from one may still import them lazily. */
const keepOldChunksMs = 24 * 3600_000;

/**
 * Worker threads the agent may start, built as entries of their own: a worker made from a `.ts`
 * file would need the TypeScript stripper, which --jitless lacks.
 */
const workerEntries: Record<string, string> = { 'udp-thread': 'src/dns/udp-thread.ts' };

/**
 * `import.meta.url` of each module, as the module's own source URL worked out from the chunk's URL:
 * `new URL('./x509-process-main.ts', import.meta.url)` and the like still name the source files they
 * did, wherever the chunk lands and wherever the repository is moved (the path is relative). A URL of
 * a worker entry names its built file instead.
 */
function sourceImportMetaUrl(outDir: string, root: string): Plugin {
  const workers = new Map(
    Object.entries(workerEntries).map(([name, src]) => [join(root, src), `${name}.js`]),
  );
  return {
    name: 'source-import-meta-url',
    transform(code, id) {
      if (!isAbsolute(id) || !code.includes('import.meta.url')) return null;
      const here = dirname(id);
      const chunkUrl = '__berth_chunk_url__';
      const out = code
        .replace(/new URL\((['"])(\.{1,2}\/[^'"]+)\1, import\.meta\.url\)/g, (whole, _q, rel: string) => {
          const built = workers.get(resolve(here, rel));
          return built ? `new URL(${JSON.stringify(`./${built}`)}, ${chunkUrl})` : whole;
        })
        .replaceAll(
          'import.meta.url',
          `new URL(${JSON.stringify(relative(outDir, id).split('\\').join('/'))}, import.meta.url).href`,
        )
        .replaceAll(chunkUrl, 'import.meta.url');
      return { code: out, map: null };
    },
  };
}

/** sha256sum's line for one file: `HEX  PATH`. */
export function sha256Line(root: string, file: string): string {
  const hex = createHash('sha256')
    .update(readFileSync(join(root, file)))
    .digest('hex');
  return `${hex}  ${file}`;
}

/**
 * Builds the bundle of src/cli/main.ts into `outDir` and writes its freshness list. Returns the
 * files the list names (relative to `root`).
 *
 * The list hashes the files as they are after the build. A file written while rolldown ran could
 * differ from what went into the bundle, so a build during which any input was modified (its
 * mtime not clearly before the build's start) is done again, up to three times.
 */
export async function buildAgentBundle(outDir = defaultBundleDir, root = repoRoot): Promise<string[]> {
  const dir = resolve(outDir);
  rmSync(join(dir, inputsFile), { force: true });
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    const files = await buildOnce(dir, root, started);
    const changed = files.filter((f) => statSync(join(root, f)).mtimeMs > started - 1000);
    if (changed.length === 0) {
      const tmp = join(dir, `${inputsFile}.tmp`);
      writeFileSync(tmp, files.map((f) => `${sha256Line(root, f)}\n`).join(''));
      renameSync(tmp, join(dir, inputsFile));
      return files;
    }
    if (attempt === 3)
      throw new Error(
        `sources kept changing while the agent bundle was built: ${changed.slice(0, 5).join(', ')}`,
      );
  }
}

/** One rolldown build into `dir`; returns the files it read (relative to `root`). */
async function buildOnce(dir: string, root: string, started: number): Promise<string[]> {
  const out = await build({
    input: {
      main: join(root, 'src', 'cli', 'main.ts'),
      ...Object.fromEntries(Object.entries(workerEntries).map(([name, src]) => [name, join(root, src)])),
    },
    platform: 'node',
    logLevel: 'warn',
    plugins: [sourceImportMetaUrl(dir, root)],
    output: {
      dir,
      format: 'esm',
      charset: 'ascii',
      comments: false,
      minify: { mangle: false, compress: true, codegen: { removeWhitespace: true } },
    },
  });
  const written = new Set<string>();
  const inputs = new Set<string>([relative(root, fileURLToPath(import.meta.url))]);
  for (const item of out.output) {
    written.add(item.fileName);
    if (item.type !== 'chunk') continue;
    for (const id of item.moduleIds) {
      if (!isAbsolute(id)) continue; // rolldown's runtime helpers and other virtual modules
      inputs.add(relative(root, id));
    }
  }
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.js') || written.has(name)) continue;
    if (started - statSync(join(dir, name)).mtimeMs > keepOldChunksMs) rmSync(join(dir, name));
  }
  return [...inputs].sort();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? defaultBundleDir);
  const files = await buildAgentBundle(dir);
  process.stdout.write(`agent bundle: ${files.length} files → ${relative(process.cwd(), dir) || '.'}\n`);
}
