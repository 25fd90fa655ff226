/**
 * Writes a single-layer OCI image layout (oci-layout, index.json, blobs/sha256/…) from a list of
 * files, the way `skopeo copy oci:DIR:TAG` and `ctr images import` expect it. Reproducible: the layer
 * is a deterministic tar (see tar.ts) gzipped without name or timestamp, the config has a fixed
 * creation time, and JSON keys come in a fixed order — so the same files give the same digests.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeTar } from './tar.ts';
import type { TarEntry } from './tar.ts';

export const MEDIA_INDEX = 'application/vnd.oci.image.index.v1+json';
export const MEDIA_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const MEDIA_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const MEDIA_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
/** The annotation containerd reads for the full image name on import. */
export const ANNOTATION_CONTAINERD_NAME = 'io.containerd.image.name';
/** The OCI annotation holding the tag (what skopeo's `oci:DIR:TAG` selects). */
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';

/** The process defaults an image carries (the OCI config's `config` object). */
export interface ImageProcessConfig {
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
}

/** What to build: a fully qualified reference, the root filesystem, and process defaults. */
export interface ImageRecipe {
  /** Fully qualified reference, e.g. `docker.io/library/busybox:1.35`. */
  ref: string;
  entries: TarEntry[];
  config: ImageProcessConfig;
  /** A line for the config's history (what built the layer). */
  createdBy: string;
  /** Every file's mtime and the config's `created`, in seconds (SOURCE_DATE_EPOCH; default 0). */
  epoch?: number;
}

/** Where an image was written and its digests. */
export interface BuiltImage {
  ref: string;
  /** The OCI layout directory. */
  dir: string;
  manifestDigest: string;
  configDigest: string;
  layerDigest: string;
  /** sha256 of the uncompressed layer tar (the config's rootfs.diff_ids[0]). */
  diffId: string;
}

/** OCI architecture name of this machine (amd64, arm64, …). */
export function ociArch(arch: string = process.arch): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' };
  return names[arch] ?? arch;
}

export function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** The tag part of a reference (`1.35` of `docker.io/library/busybox:1.35`), `latest` when absent. */
export function refTag(ref: string): string {
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  const at = last.indexOf(':');
  return at < 0 ? 'latest' : last.slice(at + 1);
}

/**
 * Writes the layout for `recipe` into `dir` (replacing what was there; written beside and renamed
 * in, so a reader never sees half a layout) and returns its digests.
 */
export function writeOciLayout(dir: string, recipe: ImageRecipe): BuiltImage {
  const layerTar = writeTar(recipe.entries, { mtime: recipe.epoch ?? 0 });
  const diffId = sha256(layerTar);
  const layer = gzipSync(layerTar, { level: 9 });
  const layerDigest = sha256(layer);
  const created = new Date((recipe.epoch ?? 0) * 1000).toISOString().replace('.000Z', 'Z');
  const platform = { architecture: ociArch(), os: 'linux' };
  const config = Buffer.from(
    JSON.stringify({
      created,
      ...platform,
      config: recipe.config,
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created, created_by: recipe.createdBy }],
    }),
  );
  const configDigest = sha256(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_MANIFEST,
      config: { mediaType: MEDIA_CONFIG, digest: configDigest, size: config.length },
      layers: [{ mediaType: MEDIA_LAYER_GZIP, digest: layerDigest, size: layer.length }],
    }),
  );
  const manifestDigest = sha256(manifest);
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_INDEX,
    manifests: [
      {
        mediaType: MEDIA_MANIFEST,
        digest: manifestDigest,
        size: manifest.length,
        platform,
        annotations: {
          [ANNOTATION_CONTAINERD_NAME]: recipe.ref,
          [ANNOTATION_REF_NAME]: refTag(recipe.ref),
        },
      },
    ],
  });

  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'blobs', 'sha256'), { recursive: true });
  for (const blob of [layer, config, manifest]) {
    writeFileSync(join(tmp, 'blobs', 'sha256', sha256(blob).slice('sha256:'.length)), blob);
  }
  writeFileSync(join(tmp, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(join(tmp, 'index.json'), index);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { ref: recipe.ref, dir, manifestDigest, configDigest, layerDigest, diffId };
}

/**
 * The layout in `dir` as one tar (what `ctr images import` reads from stdin), with the same
 * determinism as the layer: same layout, same bytes.
 */
export function ociArchive(dir: string): Buffer {
  const entries: TarEntry[] = [
    { type: 'file', path: 'oci-layout', data: readFileSync(join(dir, 'oci-layout')) },
    { type: 'file', path: 'index.json', data: readFileSync(join(dir, 'index.json')) },
    { type: 'dir', path: 'blobs' },
    { type: 'dir', path: 'blobs/sha256' },
  ];
  for (const name of readdirSync(join(dir, 'blobs', 'sha256'))) {
    entries.push({
      type: 'file',
      path: `blobs/sha256/${name}`,
      data: readFileSync(join(dir, 'blobs', 'sha256', name)),
    });
  }
  return writeTar(entries);
}
