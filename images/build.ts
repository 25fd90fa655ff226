/**
 * Builds Berth's offline test images as OCI layouts, reproducibly, from Debian's busybox-static:
 *   node images/build.ts [--out DIR] [--force] [--push [HOST:PORT/]NAMESPACE [registry flags]]
 * Writes DIR/pause and DIR/busybox (default: ~/.cache/berth/images), skipping what is already
 * current, and prints each reference with its manifest digest. With --push, pushes them to Berth's
 * image repository (see push.ts, docs/registry.md). See docs/node-runtime.md.
 */
import { defaultImageCacheDir, ensureLocalImages } from '../src/node/images/local-images.ts';
import { parsePushArgs, pushBuilt } from './push.ts';

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const cacheDir = outAt >= 0 ? args[outAt + 1] : defaultImageCacheDir();
if (!cacheDir) {
  process.stderr.write(
    'usage: node images/build.ts [--out DIR] [--force] [--push [HOST:PORT/]NAMESPACE [registry flags]]\n',
  );
  process.exit(2);
}
try {
  const push = parsePushArgs(args);
  const images = ensureLocalImages({ cacheDir, force: args.includes('--force') });
  for (const image of Object.values(images)) {
    process.stdout.write(`${image.ref}\t${image.manifestDigest}\t${image.dir}\n`);
  }
  if (push) await pushBuilt(Object.values(images), push);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
