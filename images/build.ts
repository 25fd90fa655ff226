/**
 * Builds Berth's offline test images as OCI layouts, reproducibly, from Debian's busybox-static:
 *   node images/build.ts [--out DIR] [--force]
 * Writes DIR/pause and DIR/busybox (default: ~/.cache/berth/images), skipping what is already
 * current, and prints each reference with its manifest digest. See docs/node-runtime.md.
 */
import { defaultImageCacheDir, ensureLocalImages } from '../src/node/images/local-images.ts';

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const cacheDir = outAt >= 0 ? args[outAt + 1] : defaultImageCacheDir();
if (!cacheDir) {
  process.stderr.write('usage: node images/build.ts [--out DIR] [--force]\n');
  process.exit(2);
}
try {
  const images = ensureLocalImages({ cacheDir, force: args.includes('--force') });
  for (const image of Object.values(images)) {
    process.stdout.write(`${image.ref}\t${image.manifestDigest}\t${image.dir}\n`);
  }
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
