/**
 * `pushImage` and the node-certificate pull path against an in-process registry over TLS with token
 * auth and a private namespace: an OCI layout keeps its digest whether pushed from the directory or
 * from its tar; a docker-archive becomes an OCI manifest; bad credentials fail with the registry's
 * code; a node certificate from the trusted CA pulls a private image, while no certificate, another
 * CA's node certificate, or a non-node certificate from the trusted CA do not, and a node
 * certificate never pushes; the registry judges a node certificate by its issue time (so a
 * certificate of an earlier Node of the same name can be refused).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import {
  createCertificateAuthority,
  issueClientCert,
  issueServingCert,
  type IssuedCert,
} from '../../apiserver/pki/issue.ts';
import { ociArchive, writeOciLayout, type BuiltImage } from '../../node/images/oci-layout.ts';
import { writeTar } from '../../node/images/tar.ts';
import { openRegistry, type Registry } from '../server.ts';
import { openImageSource } from './image-source.ts';
import { parseImageRef, pushImage } from './push.ts';

const tmp = mkdtempSync(join(tmpdir(), 'berth-push-'));
let reg: Registry;
let host: string;
let ca: IssuedCert;
let built: BuiltImage;
const password = 'pw-for-tests';

function get(
  path: string,
  cert?: IssuedCert,
  method = 'GET',
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`https://${host}${path}`, {
      method,
      ca: ca.cert,
      agent: false,
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
      ...(cert ? { cert: cert.cert, key: cert.key } : {}),
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.end();
  });
}

/** The Nodes the registry believes exist (what node-presence.ts gives `berth up`'s registry). */
const liveNodes = new Set(['n1']);
/** Per node: certificates issued before this belong to an earlier Node of the name. */
const certsFrom = new Map<string, number>();
/** The issue times the registry read from node certificates. */
const issuedSeen: number[] = [];

before(async () => {
  ca = await createCertificateAuthority('test-ca');
  const serving = await issueServingCert(
    { caCert: ca.cert, caKey: ca.key },
    { dnsNames: ['localhost'], ips: ['127.0.0.1'] },
  );
  reg = await openRegistry({
    root: join(tmp, 'reg'),
    auth: {
      nodeClients: true,
      nodeExists: (name, issuedAtMs) => {
        issuedSeen.push(issuedAtMs);
        return liveNodes.has(name) && issuedAtMs >= (certsFrom.get(name) ?? 0);
      },
    },
  });
  reg.context.accounts.setPassword('admin', password, true);
  reg.context.namespaces.create({ name: 'team' });
  const url = await reg.listen({ host: '127.0.0.1', port: 0, tls: { ...serving, clientCa: ca.cert } });
  host = new URL(url).host;
  built = writeOciLayout(join(tmp, 'layout'), {
    ref: 'docker.io/library/tiny:1',
    entries: [{ type: 'file', path: 'hello.txt', data: Buffer.from('hello\n') }],
    config: { Cmd: ['/hello'] },
    createdBy: 'test',
  });
});

after(async () => {
  await reg.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('pushImage', () => {
  test('an OCI layout directory keeps its manifest digest; its tar pushes nothing new', async () => {
    const creds = { ca: ca.cert, username: 'admin', password };
    const first = await pushImage(
      await openImageSource(built.dir),
      parseImageRef(`${host}/team/tiny:1`),
      creds,
    );
    assert.equal(first.digest, built.manifestDigest);
    assert.equal(first.uploaded, 2);
    const archive = join(tmp, 'tiny.tar');
    writeFileSync(archive, ociArchive(built.dir));
    const src = await openImageSource(archive);
    assert.equal(src.name, 'docker.io/library/tiny:1');
    const second = await pushImage(src, parseImageRef(`${host}/team/tiny:2`), creds);
    assert.deepEqual(second, { digest: built.manifestDigest, uploaded: 0, skipped: 2 });
  });

  test('a docker-archive becomes an OCI manifest whose layers are the archive layers', async () => {
    const layer = writeTar([{ type: 'file', path: 'a.txt', data: Buffer.from('a') }]);
    const diff = `sha256:${createHash('sha256').update(layer).digest('hex')}`;
    const config = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [diff] } }),
    );
    const archive = join(tmp, 'docker.tar');
    writeFileSync(
      archive,
      writeTar([
        {
          type: 'file',
          path: 'manifest.json',
          data: Buffer.from(
            JSON.stringify([
              { Config: 'cfg.json', RepoTags: ['example.com/team/d:7'], Layers: ['l1/layer.tar'] },
            ]),
          ),
        },
        { type: 'file', path: 'cfg.json', data: config },
        { type: 'file', path: 'l1/layer.tar', data: layer },
      ]),
    );
    const src = await openImageSource(archive, '7');
    const r = await pushImage(src, parseImageRef(`${host}/team/d:7`), {
      ca: ca.cert,
      username: 'admin',
      password,
    });
    assert.equal(r.uploaded, 2);
    const m = JSON.parse(src.top.body.toString()) as { layers: { digest: string; mediaType: string }[] };
    assert.deepEqual(
      m.layers.map((l) => [l.digest, l.mediaType]),
      [[diff, 'application/vnd.oci.image.layer.v1.tar']],
    );
    await assert.rejects(openImageSource(archive, 'nope'), /has no image named nope/);
  });

  test('wrong credentials, a missing namespace and a bad reference fail with one clear line', async () => {
    const src = await openImageSource(built.dir);
    await assert.rejects(
      pushImage(src, parseImageRef(`${host}/team/tiny:1`), {
        ca: ca.cert,
        username: 'admin',
        password: 'wrong',
      }),
      /UNAUTHORIZED/,
    );
    await assert.rejects(
      pushImage(src, parseImageRef(`${host}/nons/tiny:1`), { ca: ca.cert, username: 'admin', password }),
      /DENIED: .*nons/,
    );
    assert.throws(() => parseImageRef('team/tiny:1'), /names no registry/);
    assert.throws(() => parseImageRef('h:1/team/TINY:1'), /invalid repository name/);
    assert.deepEqual(parseImageRef('team/x@sha256:' + 'a'.repeat(64), 'r:5'), {
      host: 'r:5',
      repository: 'team/x',
      digest: 'sha256:' + 'a'.repeat(64),
    });
  });
});

describe('node client certificates', () => {
  test('a node certificate from the trusted CA pulls a private image and nothing more', async () => {
    const caPair = { caCert: ca.cert, caKey: ca.key };
    const node = await issueClientCert(caPair, {
      commonName: 'system:node:n1',
      organizations: ['system:nodes'],
    });
    const master = await issueClientCert(caPair, { commonName: 'root', organizations: ['system:masters'] });
    const other = await createCertificateAuthority('other-ca');
    const foreign = await issueClientCert(
      { caCert: other.cert, caKey: other.key },
      { commonName: 'system:node:n1', organizations: ['system:nodes'] },
    );
    const path = '/v2/team/tiny/manifests/1';
    assert.equal((await get(path, node)).status, 200);
    assert.equal((await get(`/v2/team/tiny/blobs/${built.layerDigest}`, node)).status, 200);
    assert.equal((await get(path)).status, 401);
    assert.equal((await get(path, foreign)).status, 401);
    assert.equal((await get(path, master)).status, 401);
    // Missing tags answer with the registry's own error, not a refusal.
    const missing = await get('/v2/team/tiny/manifests/nope', node);
    assert.equal(missing.status, 404);
    assert.match(missing.body, /MANIFEST_UNKNOWN/);
    // Pull only: an upload is refused.
    assert.equal((await get('/v2/team/tiny/blobs/uploads/', node, 'POST')).status, 401);
  });

  test('a node certificate pulls only while its Node exists', async () => {
    const n2 = await issueClientCert(
      { caCert: ca.cert, caKey: ca.key },
      { commonName: 'system:node:n2', organizations: ['system:nodes'] },
    );
    const path = '/v2/team/tiny/manifests/1';
    assert.equal((await get(path, n2)).status, 401, 'no Node n2 yet');
    liveNodes.add('n2');
    assert.equal((await get(path, n2)).status, 200);
    liveNodes.delete('n2'); // the Node is deleted; its certificate has not expired
    const gone = await get(path, n2);
    assert.equal(gone.status, 401);
    assert.match(gone.body, /UNAUTHORIZED/);
  });

  test("a node certificate is judged by its issue time (notBefore plus the signer's backdate)", async () => {
    const t0 = Date.now();
    const n3 = await issueClientCert(
      { caCert: ca.cert, caKey: ca.key },
      { commonName: 'system:node:n3', organizations: ['system:nodes'] },
    );
    const t1 = Date.now();
    liveNodes.add('n3');
    const path = '/v2/team/tiny/manifests/1';
    issuedSeen.length = 0;
    assert.equal((await get(path, n3)).status, 200);
    const issued = issuedSeen.at(-1)!;
    // notBefore has whole seconds: the issue time read back is within a second of the real one.
    assert.ok(issued > t0 - 1000 && issued <= t1, `issue time ${issued} not in [${t0}, ${t1}]`);
    certsFrom.set('n3', issued + 1); // n3 was deleted and created again after this certificate
    assert.equal((await get(path, n3)).status, 401, 'a certificate of the earlier Node n3');
    certsFrom.set('n3', issued);
    assert.equal((await get(path, n3)).status, 200);
  });
});
