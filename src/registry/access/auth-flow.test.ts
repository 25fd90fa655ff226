/**
 * Token authentication end to end over a loopback socket, in process: the /v2/ challenge, the
 * token endpoint (GET with Basic or anonymous, POST password and refresh_token grants), Bearer and
 * Basic requests, UNAUTHORIZED versus DENIED, namespace quotas, and the management API.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  basicAuth,
  call,
  errorCode,
  imageBlobs,
  makeImage,
  pushBlob,
  pushManifest,
  type RawResponse,
} from '../../../test/e2e/registry-fixtures.ts';
import { parseChallenge } from './challenge.ts';
import { openRegistry, type Registry } from '../server.ts';

let root: string;
let reg: Registry;
let url: string;
let admin: Record<string, string>;
let pullRobot: Record<string, string>;
let pushRobot: Record<string, string>;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'berth-registry-auth-'));
  reg = await openRegistry({ root });
  url = await reg.listen({ host: '127.0.0.1', port: 0 });
  const password = reg.initialAdminPassword!;
  admin = basicAuth('admin', password);
  const { namespaces, accounts } = reg.context;
  namespaces.create({ name: 'team' });
  namespaces.create({ name: 'pub', public: true });
  namespaces.create({ name: 'small', quotaBytes: 50_000 });
  const r1 = accounts.createRobot('team', 'reader', ['pull']);
  pullRobot = basicAuth(r1.name, r1.token);
  const r2 = accounts.createRobot('team', 'ci', ['pull', 'push']);
  pushRobot = basicAuth(r2.name, r2.token);
});
after(async () => {
  await reg.close();
  rmSync(root, { recursive: true, force: true });
});

const json = (r: RawResponse): Record<string, unknown> =>
  JSON.parse(r.body.toString()) as Record<string, unknown>;
const bearer = (t: string): Record<string, string> => ({ Authorization: `Bearer ${t}` });

async function token(scopes: string[], headers: Record<string, string> = {}): Promise<string> {
  const q = new URLSearchParams({ service: 'berth-registry' });
  for (const s of scopes) q.append('scope', s);
  const r = await call(url, 'GET', `/token?${q}`, { headers });
  assert.equal(r.status, 200, r.body.toString());
  return json(r).token as string;
}

function claims(t: string): { sub: string; access: unknown[] } {
  return JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as {
    sub: string;
    access: unknown[];
  };
}

async function pushImage(name: string, tag: string, headers: Record<string, string>, layerSize = 2000) {
  const img = makeImage({ layers: 2, layerSize });
  for (const b of imageBlobs(img)) {
    const r = await pushBlob(url, name, b, headers);
    if (r.status !== 201) return r;
  }
  return pushManifest(url, name, tag, img.manifest, headers);
}

describe('first start', () => {
  test('the admin password is in admin-password (0600); the signing key is kept 0600 too', () => {
    const file = join(root, 'admin-password');
    assert.equal(readFileSync(file, 'utf8').trim(), reg.initialAdminPassword);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(root, 'token-key.pem')).mode & 0o777, 0o600);
  });
});

describe('challenges and tokens', () => {
  test('/v2/ challenges anonymous callers with the Bearer realm', async () => {
    const r = await call(url, 'GET', '/v2/');
    assert.equal(r.status, 401);
    assert.equal(errorCode(r), 'UNAUTHORIZED');
    const c = parseChallenge(r.headers['www-authenticate'] as string);
    assert.deepEqual(c, { scheme: 'bearer', params: { realm: `${url}/token`, service: 'berth-registry' } });
    assert.equal((await call(url, 'GET', '/v2/', { headers: admin })).status, 200, 'Basic works directly');
    assert.equal((await call(url, 'GET', '/v2/', { headers: basicAuth('admin', 'wrong') })).status, 401);
  });

  test('a private repository challenges with its scope; an anonymous token is not enough', async () => {
    assert.equal((await pushImage('team/app', 'v1', admin)).status, 201);
    const r = await call(url, 'GET', '/v2/team/app/manifests/v1');
    assert.equal(r.status, 401);
    assert.equal(
      parseChallenge(r.headers['www-authenticate'] as string)?.params.scope,
      'repository:team/app:pull',
    );
    const anon = await token(['repository:team/app:pull']);
    assert.deepEqual(claims(anon).access, [], 'nothing granted');
    const again = await call(url, 'GET', '/v2/team/app/manifests/v1', { headers: bearer(anon) });
    assert.equal(again.status, 401);
    assert.match(again.headers['www-authenticate'] as string, /error="insufficient_scope"/);
  });

  test('the token endpoint grants the intersection of asked and allowed; bad credentials get 401', async () => {
    const t = await token(
      ['repository:team/app:pull,push', 'repository:pub/x:pull', 'repository:other/y:pull'],
      pullRobot,
    );
    assert.equal(claims(t).sub, 'robot$team+reader');
    assert.deepEqual(claims(t).access, [
      { type: 'repository', name: 'team/app', actions: ['pull'] },
      { type: 'repository', name: 'pub/x', actions: ['pull'] },
    ]);
    const adminToken = await token(['registry:catalog:*', 'repository:team/app:pull,push,delete'], admin);
    assert.equal(claims(adminToken).access.length, 2);
    const bad = await call(url, 'GET', '/token?scope=repository:team/app:pull', {
      headers: basicAuth('admin', 'nope'),
    });
    assert.equal(bad.status, 401);
    const wrongService = await call(url, 'GET', '/token?service=elsewhere');
    assert.equal(wrongService.status, 400);
  });

  test('POST /token: password grant with a refresh token, then the refresh_token grant', async () => {
    const form = (f: Record<string, string>) => ({
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(f).toString(),
    });
    const pw = readFileSync(join(root, 'admin-password'), 'utf8').trim();
    const r = await call(
      url,
      'POST',
      '/token',
      form({
        grant_type: 'password',
        username: 'admin',
        password: pw,
        service: 'berth-registry',
        scope: 'repository:team/app:pull',
        access_type: 'offline',
        client_id: 'test',
      }),
    );
    assert.equal(r.status, 200, r.body.toString());
    const doc = json(r) as { access_token: string; refresh_token: string; scope: string };
    assert.equal(doc.scope, 'repository:team/app:pull');
    const pulled = await call(url, 'GET', '/v2/team/app/manifests/v1', { headers: bearer(doc.access_token) });
    assert.equal(pulled.status, 200);
    const refreshed = await call(
      url,
      'POST',
      '/token',
      form({
        grant_type: 'refresh_token',
        refresh_token: doc.refresh_token,
        service: 'berth-registry',
        scope: 'repository:team/app:push',
      }),
    );
    assert.equal(refreshed.status, 200);
    assert.equal((json(refreshed) as { scope: string }).scope, 'repository:team/app:push');
    const badPw = await call(
      url,
      'POST',
      '/token',
      form({ grant_type: 'password', username: 'admin', password: 'x' }),
    );
    assert.equal(badPw.status, 401);
    const accessAsRefresh = await call(
      url,
      'POST',
      '/token',
      form({ grant_type: 'refresh_token', refresh_token: doc.access_token }),
    );
    assert.equal(accessAsRefresh.status, 401);
  });
});

describe('who may do what', () => {
  test('public namespaces allow anonymous pull, without or with a token; never push', async () => {
    assert.equal((await pushImage('pub/tool', 'v1', admin)).status, 201);
    assert.equal((await call(url, 'GET', '/v2/pub/tool/manifests/v1')).status, 200);
    const t = await token(['repository:pub/tool:pull,push']);
    assert.equal((await call(url, 'GET', '/v2/pub/tool/manifests/v1', { headers: bearer(t) })).status, 200);
    const push = await call(url, 'POST', '/v2/pub/tool/blobs/uploads/', { headers: bearer(t) });
    assert.equal(push.status, 401, 'anonymous: challenged, not denied');
  });

  test('a pull-only robot pulls; its push is DENIED (403), with a token or Basic', async () => {
    const t = await token(['repository:team/app:pull,push'], pullRobot);
    assert.equal((await call(url, 'GET', '/v2/team/app/manifests/v1', { headers: bearer(t) })).status, 200);
    const viaToken = await call(url, 'POST', '/v2/team/app/blobs/uploads/', { headers: bearer(t) });
    assert.equal(viaToken.status, 403);
    assert.equal(errorCode(viaToken), 'DENIED');
    assert.match(json(viaToken).errors!.toString() + viaToken.body.toString(), /may only pull/);
    const viaBasic = await call(url, 'POST', '/v2/team/app/blobs/uploads/', { headers: pullRobot });
    assert.equal(viaBasic.status, 403);
  });

  test('a push robot pushes in its namespace and nowhere else; the catalog is for admins', async () => {
    const t = await token(['repository:team/ci:pull,push'], pushRobot);
    assert.equal((await pushImage('team/ci', 'v1', bearer(t))).status, 201);
    const elsewhere = await pushImage('small/ci', 'v1', pushRobot);
    assert.equal(elsewhere.status, 403);
    assert.match(elsewhere.body.toString(), /belongs to namespace team/);
    assert.equal((await call(url, 'GET', '/v2/_catalog', { headers: pushRobot })).status, 403);
    const cat = await call(url, 'GET', '/v2/_catalog', {
      headers: bearer(await token(['registry:catalog:*'], admin)),
    });
    assert.equal(cat.status, 200);
  });

  test('a token narrower than the account gets 401 insufficient_scope, so the client can ask again', async () => {
    const t = await token(['repository:team/app:pull'], admin);
    const r = await call(url, 'DELETE', '/v2/team/app/manifests/v1', { headers: bearer(t) });
    assert.equal(r.status, 401);
    assert.match(
      r.headers['www-authenticate'] as string,
      /scope="repository:team\/app:delete",error="insufficient_scope"/,
    );
  });

  test('pushing into a namespace that does not exist is refused with how to create it', async () => {
    const r = await pushImage('ghost/app', 'v1', admin);
    assert.equal(r.status, 403);
    assert.match(r.body.toString(), /namespace ghost does not exist/);
  });
});

describe('quota', () => {
  test('a push past the quota is DENIED with the usage; a shared blob counts once; deletes give space back', async () => {
    const img = makeImage({ layers: 1, layerSize: 30_000 });
    for (const b of imageBlobs(img)) assert.equal((await pushBlob(url, 'small/a', b, admin)).status, 201);
    assert.equal((await pushManifest(url, 'small/a', 'v1', img.manifest, admin)).status, 201);
    // The same blobs in a second repository of the namespace cost nothing more.
    for (const b of imageBlobs(img)) assert.equal((await pushBlob(url, 'small/b', b, admin)).status, 201);
    const used = reg.context.namespaces.usage('small');
    assert.ok(used > 30_000 && used < 50_000, String(used));
    const big = makeImage({ layers: 1, layerSize: 30_000 });
    const refused = await pushBlob(url, 'small/c', big.layers[0]!, admin);
    assert.equal(refused.status, 403);
    assert.equal(errorCode(refused), 'DENIED');
    assert.match(refused.body.toString(), /namespace small quota exceeded: \d+\.\d KiB of 48\.8 KiB used/);
    // Chunked: the PATCH that cannot fit is refused before its bytes are taken.
    const start = await call(url, 'POST', '/v2/small/c/blobs/uploads/', { headers: admin });
    assert.equal(start.status, 202);
    const patch = await call(url, 'PATCH', start.headers.location as string, {
      headers: {
        ...admin,
        'Content-Type': 'application/octet-stream',
        'Content-Length': big.layers[0]!.size,
      },
      body: big.layers[0]!.data,
    });
    assert.equal(patch.status, 403);
    assert.match(patch.body.toString(), /quota exceeded/);
    // Delete the repositories' links and the space is free again.
    for (const repo of ['small/a', 'small/b'])
      for (const b of imageBlobs(img))
        await call(url, 'DELETE', `/v2/${repo}/blobs/${b.digest}`, { headers: admin });
    assert.equal(reg.context.namespaces.usage('small'), 0);
    assert.equal((await pushBlob(url, 'small/c', big.layers[0]!, admin)).status, 201);
  });
});

describe('management API', () => {
  const api = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    call(url, method, `/api/v1/${path}`, {
      headers: { ...headers, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  test('namespaces: create with quota, list with usage, update, delete with repositories', async () => {
    assert.equal((await api('GET', 'namespaces', {})).status, 401);
    const created = await api('POST', 'namespaces', admin, { name: 'apps', public: false, quota: '1Mi' });
    assert.equal(created.status, 201, created.body.toString());
    assert.equal(json(created).quotaBytes, 1 << 20);
    assert.equal((await api('POST', 'namespaces', admin, { name: 'apps' })).status, 409);
    assert.equal((await api('POST', 'namespaces', admin, { name: 'Bad!' })).status, 400);
    assert.equal((await api('POST', 'namespaces', pushRobot, { name: 'x' })).status, 403);
    assert.equal((await pushImage('apps/web', 'v1', admin)).status, 201);
    const list = json(await api('GET', 'namespaces', admin)).items as { name: string; usedBytes: number }[];
    assert.ok(list.find((n) => n.name === 'apps')!.usedBytes > 4000);
    const robotView = json(await api('GET', 'namespaces', pushRobot)).items as { name: string }[];
    assert.deepEqual(
      robotView.map((n) => n.name),
      ['pub', 'team'],
      'own and public namespaces',
    );
    const upd = await api('PATCH', 'namespaces/apps', admin, { public: true, quota: null });
    assert.equal(json(upd).public, true);
    assert.equal(json(upd).quotaBytes, null);
    const del = await api('DELETE', 'namespaces/apps', admin);
    assert.equal(json(del).repositories, 1);
    assert.equal((await call(url, 'GET', '/v2/apps/web/manifests/v1', { headers: admin })).status, 404);
  });

  test('repositories: per namespace, search, tags with digest/size/time, delete tag and repository', async () => {
    assert.equal((await pushImage('team/search-me', 'v2', admin)).status, 201);
    const inNs = json(await api('GET', 'namespaces/team/repositories', admin)).items as { name: string }[];
    assert.ok(inNs.map((r) => r.name).includes('team/search-me'));
    const found = json(await api('GET', 'repositories?q=arch-m', admin)).items as {
      name: string;
      tagCount: number;
    }[];
    assert.deepEqual(
      found.map((r) => [r.name, r.tagCount]),
      [['team/search-me', 1]],
    );
    const tags = json(await api('GET', 'repositories/team/search-me/tags', pullRobot)).items as {
      name: string;
      digest: string;
      sizeBytes: number;
      pushedAt: string;
    }[];
    assert.equal(tags.length, 1);
    assert.equal(tags[0]!.name, 'v2');
    assert.match(tags[0]!.digest, /^sha256:/);
    assert.ok(tags[0]!.sizeBytes > 4000);
    assert.ok(Date.parse(tags[0]!.pushedAt) > 0);
    assert.equal((await api('DELETE', 'repositories/team/search-me/tags/v2', pullRobot)).status, 403);
    assert.equal((await api('DELETE', 'repositories/team/search-me/tags/v2', admin)).status, 200);
    assert.equal((await api('DELETE', 'repositories/team/search-me', admin)).status, 200);
    assert.equal((await api('GET', 'repositories/team/search-me', admin)).status, 404);
    // A robot of `team` cannot see another private namespace's repositories.
    assert.equal((await api('GET', 'namespaces/small/repositories', pullRobot)).status, 404);
  });

  test('robots: create shows the token once; it works; delete revokes it', async () => {
    const r = await api('POST', 'namespaces/team/robots', admin, { name: 'tmp', actions: ['pull'] });
    assert.equal(r.status, 201);
    const { name, token: secret } = json(r) as { name: string; token: string };
    assert.equal(name, 'robot$team+tmp');
    assert.equal(
      (await call(url, 'GET', '/v2/team/app/manifests/v1', { headers: basicAuth(name, secret) })).status,
      200,
    );
    const listed = json(await api('GET', 'namespaces/team/robots', admin)).items as { name: string }[];
    assert.ok(listed.some((x) => x.name === name) && !JSON.stringify(listed).includes(secret));
    assert.equal((await api('DELETE', 'namespaces/team/robots/tmp', admin)).status, 200);
    assert.equal(
      (await call(url, 'GET', '/v2/team/app/manifests/v1', { headers: basicAuth(name, secret) })).status,
      401,
    );
  });
});
