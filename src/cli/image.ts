/**
 * `berth image push SRC REF` and `berth image import FILE [REF]`: put an image from this machine
 * into Berth's image repository without docker — from an OCI layout directory, an OCI archive or a
 * docker-archive tar (src/registry/client). REF is `HOST:PORT/NAMESPACE/NAME:TAG`; without a host
 * the registry is `--registry` (default 127.0.0.1:5000, what `berth up` runs). `import` without REF
 * keeps the archive's own name with the registry host replaced. Credentials: `--username` (default
 * admin) with `--password-file` or $BERTH_REGISTRY_PASSWORD, else DATA_DIR/admin-password when it
 * exists; the CA: `--ca-file`, else DATA_DIR/server/tls/ca.crt (the cluster CA `berth up` made).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { openImageSource } from '../registry/client/image-source.ts';
import { parseImageRef, pushImage, type ImageRef } from '../registry/client/push.ts';
import { CliError } from './cli-error.ts';
import { defaultRegistryListen } from './up-registry.ts';

export interface ImagePushFlags {
  registry?: string;
  dataDir?: string;
  username?: string;
  passwordFile?: string;
  caFile?: string;
  insecureSkipTlsVerify?: boolean;
  plainHttp?: boolean;
  /** Which image of a source holding several (a tag or full name). */
  sourceTag?: string;
  quiet?: boolean;
}

function readFlagFile(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`${flag}: ${(err as Error).message}`);
  }
}

/** The target reference: REF as given, or the source's own name on the Berth registry. */
export function targetRef(
  ref: string | undefined,
  sourceName: string | undefined,
  registry: string,
): ImageRef {
  if (ref !== undefined) return parseImageRef(ref, registry);
  if (!sourceName || !sourceName.includes('/'))
    throw new CliError('the archive names no repository: give REF (NAMESPACE/NAME:TAG)');
  const own = parseImageRef(sourceName, 'docker.io');
  return { host: registry, repository: own.repository, ...(own.tag ? { tag: own.tag } : { tag: 'latest' }) };
}

/** Pushes SRC to REF (REF optional for import); prints the pushed reference and digest. */
export async function runImagePush(src: string, ref: string | undefined, f: ImagePushFlags): Promise<void> {
  const dataDir = resolve(f.dataDir ?? join(homedir(), '.berth'));
  const registry = f.registry ?? defaultRegistryListen;
  let image;
  try {
    image = await openImageSource(src, f.sourceTag);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  let target: ImageRef;
  try {
    target = targetRef(ref, image.name, registry);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const caPath = f.caFile ?? join(dataDir, 'server', 'tls', 'ca.crt');
  const ca = f.caFile || existsSync(caPath) ? readFlagFile('--ca-file', caPath) : undefined;
  const passwordPath = f.passwordFile ?? join(dataDir, 'admin-password');
  const password =
    f.passwordFile !== undefined
      ? readFlagFile('--password-file', f.passwordFile).trim()
      : (process.env.BERTH_REGISTRY_PASSWORD ??
        (existsSync(passwordPath) ? readFlagFile('--password-file', passwordPath).trim() : undefined));
  const name = `${target.host}/${target.repository}${target.digest ? `@${target.digest}` : `:${target.tag ?? 'latest'}`}`;
  try {
    const r = await pushImage(image, target, {
      ...(ca ? { ca } : {}),
      insecureSkipTlsVerify: f.insecureSkipTlsVerify,
      plainHttp: f.plainHttp,
      ...(password !== undefined ? { username: f.username ?? 'admin', password } : {}),
      ...(f.quiet ? {} : { progress: (line: string) => process.stderr.write(`${line}\n`) }),
    });
    process.stdout.write(
      `pushed ${name}@${r.digest} (${r.uploaded} blobs uploaded, ${r.skipped} already there)\n`,
    );
  } catch (err) {
    throw new CliError(`push ${name}: ${(err as Error).message}`);
  }
}
