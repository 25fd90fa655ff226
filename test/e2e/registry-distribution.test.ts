/**
 * Berth's image repository beside Debian's docker-registry (the CNCF distribution registry) as a
 * real peer: a whole repository — OCI image, Docker schema 2 image, two-platform index — copied
 * Berth → distribution → Berth, and one first pushed to distribution copied into Berth, keeps every
 * manifest digest (skopeo --preserve-digests refuses any conversion), and every tag.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthAvailable } from '../helpers/server.ts';
import {
  call,
  haveDistribution,
  haveSkopeo,
  imageBlobs,
  makeImage,
  makeIndex,
  skopeo,
  startBerthRegistry,
  startDistribution,
  writeOciLayout,
  type RegistryProcess,
} from './registry-fixtures.ts';

const skip = !berthAvailable()
  ? 'berth CLI not built'
  : !haveSkopeo()
    ? 'skopeo not installed'
    : !haveDistribution()
      ? 'docker-registry not installed (apt-get install docker-registry)'
      : false;

const ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

describe('registry round trip with docker-registry', { skip }, () => {
  let tmp: string;
  let berth: RegistryProcess;
  let dist: RegistryProcess;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'berth-registry-peer-'));
    berth = await startBerthRegistry(join(tmp, 'berth'), { plainHttp: true });
    dist = await startDistribution(join(tmp, 'dist'));
  });
  after(async () => {
    await berth?.stop();
    await dist?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** tag → manifest digest, read with HEAD (what a client resolves a tag to). */
  async function digests(reg: RegistryProcess, repo: string): Promise<Record<string, string>> {
    const tags = JSON.parse((await call(reg.url, 'GET', `/v2/${repo}/tags/list`)).body.toString()) as {
      tags: string[];
    };
    const out: Record<string, string> = {};
    for (const t of tags.tags.sort()) {
      const r = await call(reg.url, 'HEAD', `/v2/${repo}/manifests/${t}`, { headers: { Accept: ACCEPT } });
      assert.equal(r.status, 200, `${reg.url} ${repo}:${t}`);
      out[t] = r.headers['docker-content-digest'] as string;
    }
    return out;
  }

  async function copyRepo(
    from: RegistryProcess,
    fromRepo: string,
    to: RegistryProcess,
    toRepo: string,
  ): Promise<void> {
    const tags = JSON.parse((await call(from.url, 'GET', `/v2/${fromRepo}/tags/list`)).body.toString()) as {
      tags: string[];
    };
    for (const t of tags.tags) {
      await skopeo(
        'copy',
        '--all',
        '--preserve-digests',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        `docker://${from.host}/${fromRepo}:${t}`,
        `docker://${to.host}/${toRepo}:${t}`,
      );
    }
  }

  test('Berth → distribution → Berth keeps every tag and digest', async () => {
    const img = makeImage({ layers: 2, layerSize: 40_000 });
    writeOciLayout(join(tmp, 'oci'), 'oci', img.manifest, imageBlobs(img));
    const { images, index } = makeIndex({ layers: 1, layerSize: 20_000 });
    writeOciLayout(
      join(tmp, 'idx'),
      'multi',
      index,
      images.flatMap((i) => [i.manifest, ...imageBlobs(i)]),
    );
    const push = (args: string[]) => skopeo('copy', '--dest-tls-verify=false', ...args);
    await push([`oci:${join(tmp, 'oci')}:oci`, `docker://${berth.host}/ns/app:oci`]);
    await push(['--format', 'v2s2', `oci:${join(tmp, 'oci')}:oci`, `docker://${berth.host}/ns/app:docker`]);
    await push(['--all', `oci:${join(tmp, 'idx')}:multi`, `docker://${berth.host}/ns/app:multi`]);
    const original = await digests(berth, 'ns/app');
    assert.deepEqual(Object.keys(original), ['docker', 'multi', 'oci']);
    assert.equal(original.oci, img.manifest.digest);
    assert.equal(original.multi, index.digest);

    await copyRepo(berth, 'ns/app', dist, 'mirror/app');
    assert.deepEqual(await digests(dist, 'mirror/app'), original);
    await copyRepo(dist, 'mirror/app', berth, 'ns/back');
    assert.deepEqual(await digests(berth, 'ns/back'), original);
  });

  test('an image first pushed to distribution arrives in Berth unchanged', async () => {
    const img = makeImage({ layers: 3, layerSize: 10_000 });
    writeOciLayout(join(tmp, 'first'), 'v1', img.manifest, imageBlobs(img));
    await skopeo(
      'copy',
      '--dest-tls-verify=false',
      `oci:${join(tmp, 'first')}:v1`,
      `docker://${dist.host}/up/app:v1`,
    );
    await copyRepo(dist, 'up/app', berth, 'from/dist');
    assert.deepEqual(await digests(berth, 'from/dist'), { v1: img.manifest.digest });
    const raw = await skopeo('inspect', '--raw', '--tls-verify=false', `docker://${berth.host}/from/dist:v1`);
    assert.equal(raw, img.manifest.data.toString());
  });
});
