/**
 * Namespaces, accounts, tokens, quotas, the management API and the pull-through cache with the real
 * skopeo against `berth registry serve` over TLS (its own CA): skopeo goes through the Docker token
 * flow (401 challenge → /token with Basic credentials or anonymously → Bearer), as it does with any
 * registry. Admin commands run through the CLI on the data dir while the server runs, and through
 * the management API with --server. The cache is tested against Debian's docker-registry as the
 * upstream: pulled once through Berth, then again with the upstream stopped.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthAvailable } from '../helpers/server.ts';
import {
  basicAuth,
  berth,
  call,
  haveDistribution,
  haveSkopeo,
  imageBlobs,
  makeImage,
  skopeo,
  startBerthRegistry,
  startDistribution,
  writeOciLayout,
  type Image,
  type RegistryProcess,
} from './registry-fixtures.ts';

const skip = !berthAvailable()
  ? 'berth CLI not built'
  : !haveSkopeo()
    ? 'skopeo not installed (apt-get install skopeo)'
    : false;

describe('registry access control with skopeo', { skip }, () => {
  let tmp: string;
  let reg: RegistryProcess;
  let certDir: string;
  let dataDir: string;
  let password: string;
  let reader: string;
  let pusher: string;
  let otherBot: string;
  let img: Image;
  let failed = false;

  const ref = (repoTag: string) => `docker://${reg.host}/${repoTag}`;
  const layout = (name: string) => `oci:${join(tmp, name)}:v1`;
  const noAuthFile = () => `--authfile=${join(tmp, 'no-auth.json')}`;
  const check = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      failed = true;
      throw err;
    }
  };
  /** `robot: NAME` and `token: T` from `robot create` → NAME:T for --creds. */
  const creds = (out: string): string => {
    const name = /^robot: (\S+)$/m.exec(out)?.[1];
    const token = /^token: (\S+)$/m.exec(out)?.[1];
    assert.ok(name && token, out);
    return `${name}:${token}`;
  };

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'berth-registry-auth-e2e-'));
    dataDir = join(tmp, 'data');
    reg = await startBerthRegistry(dataDir, { auth: true });
    password = readFileSync(join(dataDir, 'registry', 'admin-password'), 'utf8').trim();
    assert.equal(reg.adminPassword, password, 'serve printed the password it wrote');
    certDir = join(tmp, 'certs');
    mkdirSync(certDir);
    copyFileSync(join(dataDir, 'registry', 'tls', 'ca.crt'), join(certDir, 'ca.crt'));
    // The CLI on the data dir (while serve runs) for some, the management API for the rest.
    const d = ['--data-dir', dataDir];
    await berth('registry', 'namespace', 'create', 'team', ...d);
    reader = creds(
      await berth('registry', 'robot', 'create', 'reader', '--namespace', 'team', '--pull', ...d),
    );
    const api = async (path: string, body: unknown): Promise<{ name: string; token: string }> => {
      const r = await call(reg.url, 'POST', `/api/v1/${path}`, {
        headers: { ...basicAuth('admin', password), 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(r.status, 201, r.body.toString());
      return JSON.parse(r.body.toString()) as { name: string; token: string };
    };
    await api('namespaces', { name: 'pub', public: true });
    await api('namespaces', { name: 'other' });
    await api('namespaces', { name: 'small', quota: '1Mi' });
    const ci = await api('namespaces/team/robots', { name: 'ci', actions: ['pull', 'push'] });
    pusher = `${ci.name}:${ci.token}`;
    const bot = await api('namespaces/other/robots', { name: 'bot', actions: ['pull'] });
    otherBot = `${bot.name}:${bot.token}`;
    img = makeImage({ layers: 2, layerSize: 100_000 });
    writeOciLayout(join(tmp, 'src'), 'v1', img.manifest, imageBlobs(img));
  });
  after(async () => {
    if (failed || process.env.BERTH_TEST_LOGS === '1')
      process.stderr.write(`--- registry log ---\n${reg?.logs()}\n`);
    await reg?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('skopeo login as admin, then push and pull with the stored credentials', () =>
    check(async () => {
      const authFile = join(tmp, 'auth.json');
      await assert.rejects(
        skopeo(
          'login',
          `--authfile=${authFile}`,
          `--cert-dir=${certDir}`,
          '-u',
          'admin',
          '-p',
          'wrong',
          reg.host,
        ),
        /401|unauthorized|invalid username/i,
      );
      await skopeo(
        'login',
        `--authfile=${authFile}`,
        `--cert-dir=${certDir}`,
        '-u',
        'admin',
        '-p',
        password,
        reg.host,
      );
      await skopeo(
        'copy',
        `--authfile=${authFile}`,
        `--dest-cert-dir=${certDir}`,
        layout('src'),
        ref('team/app:v1'),
      );
      await skopeo(
        'copy',
        `--authfile=${authFile}`,
        `--dest-cert-dir=${certDir}`,
        layout('src'),
        ref('pub/tool:v1'),
      );
      const info = JSON.parse(
        await skopeo('inspect', `--authfile=${authFile}`, `--cert-dir=${certDir}`, ref('team/app:v1')),
      ) as { Digest: string };
      assert.equal(info.Digest, img.manifest.digest);
    }));

  test('anonymous pull works from a public namespace and is refused (401) from a private one', () =>
    check(async () => {
      const pub = JSON.parse(
        await skopeo('inspect', noAuthFile(), `--cert-dir=${certDir}`, ref('pub/tool:v1')),
      ) as {
        Digest: string;
      };
      assert.equal(pub.Digest, img.manifest.digest);
      await skopeo('copy', noAuthFile(), `--src-cert-dir=${certDir}`, ref('pub/tool:v1'), layout('anon-pub'));
      await assert.rejects(
        skopeo('inspect', noAuthFile(), `--cert-dir=${certDir}`, ref('team/app:v1')),
        /unauthorized|authentication required|401/i,
      );
      await assert.rejects(
        skopeo('copy', noAuthFile(), `--dest-cert-dir=${certDir}`, layout('src'), ref('pub/tool:anon')),
        /unauthorized|authentication required|401/i,
      );
    }));

  test('a pull-only robot pulls; its push is DENIED; a robot of another namespace cannot pull', () =>
    check(async () => {
      await skopeo(
        'copy',
        noAuthFile(),
        `--src-creds=${reader}`,
        `--src-cert-dir=${certDir}`,
        ref('team/app:v1'),
        layout('robot-pull'),
      );
      await assert.rejects(
        skopeo(
          'copy',
          noAuthFile(),
          `--dest-creds=${reader}`,
          `--dest-cert-dir=${certDir}`,
          layout('src'),
          ref('team/app:v2'),
        ),
        /denied/i,
      );
      await assert.rejects(
        skopeo('inspect', noAuthFile(), `--creds=${otherBot}`, `--cert-dir=${certDir}`, ref('team/app:v1')),
        /denied|belongs to namespace other/i,
      );
      await skopeo(
        'copy',
        noAuthFile(),
        `--dest-creds=${pusher}`,
        `--dest-cert-dir=${certDir}`,
        layout('src'),
        ref('team/app:v2'),
      );
      const tags = JSON.parse(
        await skopeo(
          'list-tags',
          noAuthFile(),
          `--creds=${reader}`,
          `--cert-dir=${certDir}`,
          ref('team/app'),
        ),
      ) as { Tags: string[] };
      assert.deepEqual(tags.Tags.sort(), ['v1', 'v2']);
    }));

  test('a push past the namespace quota is refused with the usage in the message', () =>
    check(async () => {
      const big = makeImage({ layers: 2, layerSize: 700_000 });
      writeOciLayout(join(tmp, 'big'), 'v1', big.manifest, imageBlobs(big));
      await assert.rejects(
        skopeo(
          'copy',
          noAuthFile(),
          `--dest-creds=admin:${password}`,
          `--dest-cert-dir=${certDir}`,
          layout('big'),
          ref('small/big:v1'),
        ),
        /namespace small quota exceeded: [\d.]+ KiB of 1\.0 MiB used/,
      );
      const list = await berth('registry', 'namespace', 'list', '--data-dir', dataDir);
      assert.match(list, /^small\s+private\s+[\d.]+ KiB\s+1\.0 MiB/m);
    }));

  test('the management API lists, searches and deletes; the CLI works through it with --server', () =>
    check(async () => {
      const admin = basicAuth('admin', password);
      const repos = JSON.parse(
        (await call(reg.url, 'GET', '/api/v1/repositories?q=app', { headers: admin })).body.toString(),
      ) as {
        items: { name: string; tagCount: number }[];
      };
      assert.deepEqual(
        repos.items.map((r) => [r.name, r.tagCount]),
        [['team/app', 2]],
      );
      const tags = JSON.parse(
        (
          await call(reg.url, 'GET', '/api/v1/repositories/team/app/tags', { headers: admin })
        ).body.toString(),
      ) as { items: { name: string; digest: string; sizeBytes: number }[] };
      assert.deepEqual(
        tags.items.map((t) => [t.name, t.digest]),
        [
          ['v1', img.manifest.digest],
          ['v2', img.manifest.digest],
        ],
      );
      assert.ok(tags.items[0]!.sizeBytes > 200_000);
      assert.equal(
        (await call(reg.url, 'DELETE', '/api/v1/repositories/team/app/tags/v2', { headers: admin })).status,
        200,
      );
      await assert.rejects(
        skopeo('inspect', noAuthFile(), `--creds=${reader}`, `--cert-dir=${certDir}`, ref('team/app:v2')),
        /manifest unknown/i,
      );

      const pwFile = join(tmp, 'admin-pw');
      copyFileSync(join(dataDir, 'registry', 'admin-password'), pwFile);
      const remote = ['--server', reg.url, '--password-file', pwFile, '--ca-file', join(certDir, 'ca.crt')];
      await berth('registry', 'namespace', 'create', 'remote', '--public', ...remote);
      assert.match(await berth('registry', 'namespace', 'list', ...remote), /^remote\s+public/m);
      assert.equal(
        (await call(reg.url, 'DELETE', '/api/v1/namespaces/remote', { headers: admin })).status,
        200,
      );
      assert.equal((await call(reg.url, 'GET', '/api/v1/namespaces/remote', { headers: admin })).status, 404);
    }));

  describe(
    'pull-through cache of docker-registry',
    { skip: haveDistribution() ? false : 'docker-registry not installed' },
    () => {
      test('pulls through once, then again with the upstream stopped', () =>
        check(async () => {
          const dist = await startDistribution(join(tmp, 'dist'));
          try {
            await skopeo('copy', '--dest-tls-verify=false', layout('src'), `docker://${dist.host}/up/app:v1`);
            await berth(
              'registry',
              'namespace',
              'create',
              'cache',
              '--public',
              '--proxy',
              dist.url,
              '--proxy-ttl',
              '0s',
              '--data-dir',
              dataDir,
            );
            await skopeo(
              'copy',
              noAuthFile(),
              `--src-cert-dir=${certDir}`,
              ref('cache/up/app:v1'),
              layout('cached1'),
            );
            const first = JSON.parse(
              await skopeo('inspect', noAuthFile(), `--cert-dir=${certDir}`, ref('cache/up/app:v1')),
            ) as {
              Digest: string;
            };
            assert.equal(first.Digest, img.manifest.digest);
          } finally {
            await dist.stop();
          }
          // Upstream gone: the tag is served from the cache (TTL 0 makes Berth try, fail, and serve it).
          await skopeo(
            'copy',
            noAuthFile(),
            `--src-cert-dir=${certDir}`,
            ref('cache/up/app:v1'),
            layout('cached2'),
          );
          const second = JSON.parse(
            await skopeo('inspect', noAuthFile(), `--cert-dir=${certDir}`, ref('cache/up/app:v1')),
          ) as {
            Digest: string;
            Layers: string[];
          };
          assert.equal(second.Digest, img.manifest.digest);
          assert.deepEqual(
            second.Layers,
            img.layers.map((l) => l.digest),
          );
          const cached = readFileSync(
            join(tmp, 'cached2', 'blobs', 'sha256', img.layers[0]!.digest.slice(7)),
          );
          assert.ok(cached.equals(img.layers[0]!.data));
          await assert.rejects(
            skopeo(
              'copy',
              noAuthFile(),
              `--dest-creds=admin:${password}`,
              `--dest-cert-dir=${certDir}`,
              layout('src'),
              ref('cache/up/app:v9'),
            ),
            /denied|pull-through cache/i,
          );
        }));
    },
  );
});
