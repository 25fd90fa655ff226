/**
 * Builds the redis test image (redis-server and redis-cli from Debian packages) as an OCI layout,
 * reproducibly, and optionally imports it into a containerd:
 *   node images/redis.ts [--out DIR] [--force] [--import SOCKET] [--push [HOST:PORT/]NAMESPACE [registry flags]]
 * Writes DIR/redis (default: ~/.cache/berth/images), skipping the build when the cached layout was
 * made from the same package versions, and prints the reference, manifest digest, layout dir and
 * packages; --push pushes it to Berth's image repository (see push.ts). See docs/node-runtime.md
 * ("A real server image: redis").
 */
import { importImages } from '../src/node/images/local-images.ts';
import { ensureRedisImage } from '../src/node/images/redis.ts';
import { parsePushArgs, pushBuilt } from './push.ts';

const args = process.argv.slice(2);
const value = (flag: string): string | undefined => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
};
try {
  const push = parsePushArgs(args);
  const started = Date.now();
  const image = ensureRedisImage({ cacheDir: value('--out'), force: args.includes('--force') });
  process.stdout.write(`${image.ref}\t${image.manifestDigest}\t${image.dir}\t${Date.now() - started} ms\n`);
  process.stdout.write(`${image.packages.map((p) => `${p.name}=${p.version}`).join(' ')}\n`);
  const socket = value('--import');
  if (socket) await importImages([image], { address: socket });
  if (push) await pushBuilt([image], push);
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
