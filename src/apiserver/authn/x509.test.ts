import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:https';
import type { Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatusError } from '../../api/errors.ts';
import { ensureClusterPki } from '../pki/cluster-pki.ts';
import type { ClusterPki } from '../pki/cluster-pki.ts';
import { createCertificateAuthority, issueClientCert } from '../pki/issue.ts';
import { x509Authenticator } from './x509.ts';

let base: string;
let pki: ClusterPki;
let server: Server;
let port: number;

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'berth-x509-'));
  pki = await ensureClusterPki(join(base, 'pki'));
  const authn = x509Authenticator();
  server = createServer(
    {
      key: pki.serverKey,
      cert: pki.serverCert,
      ca: pki.caCert,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      // known(): nothing before the connection's certificate was judged; after, only an accepted user.
      const knownBefore = authn.known!(req) ?? null;
      authn.authenticate(req).then(
        (user) =>
          res.end(JSON.stringify({ user: user ?? null, knownBefore, knownAfter: authn.known!(req) ?? null })),
        (err: unknown) => {
          res.setHeader('x-known-after', JSON.stringify(authn.known!(req) ?? null));
          res.statusCode = err instanceof StatusError ? err.code : 500;
          res.end(JSON.stringify(err instanceof StatusError ? err.status : { message: String(err) }));
        },
      );
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(base, { recursive: true, force: true });
});

function call(client?: {
  cert: string;
  key: string;
}): Promise<{ status: number; body: Record<string, unknown>; knownAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/', ca: pki.caCert, agent: false, ...(client ?? {}) },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(text) as Record<string, unknown>,
            knownAfter: res.headers['x-known-after'] as string | undefined,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('client certificates over real TLS', async (t) => {
  const other = await createCertificateAuthority('other-ca');
  const cases: {
    name: string;
    client: () => Promise<{ cert: string; key: string } | undefined>;
    status: number;
    user?: unknown;
  }[] = [
    {
      name: 'admin certificate → admin in system:masters',
      client: async () => ({ cert: pki.adminCert, key: pki.adminKey }),
      status: 200,
      user: { name: 'admin', groups: ['system:masters', 'system:authenticated'] },
    },
    {
      name: 'several O values → several groups',
      client: () =>
        issueClientCert(pki, { commonName: 'system:node:n1', organizations: ['system:nodes', 'edge'] }),
      status: 200,
      user: { name: 'system:node:n1', groups: ['system:nodes', 'edge', 'system:authenticated'] },
    },
    {
      name: 'certificate from another CA → 401',
      client: () =>
        issueClientCert(
          { caCert: other.cert, caKey: other.key },
          { commonName: 'admin', organizations: ['system:masters'] },
        ),
      status: 401,
    },
    {
      name: 'serving certificate used as a client certificate → 401',
      client: async () => ({ cert: pki.serverCert, key: pki.serverKey }),
      status: 401,
    },
    {
      name: 'no certificate → anonymous (undefined)',
      client: async () => undefined,
      status: 200,
      user: null,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const { status, body, knownAfter } = await call(await c.client());
      assert.equal(status, c.status, JSON.stringify(body));
      if (c.status === 200) {
        assert.deepEqual(body.user, c.user);
        assert.deepEqual(
          { before: body.knownBefore, after: body.knownAfter },
          { before: null, after: c.user },
        );
      } else {
        assert.deepEqual({ reason: body.reason, code: body.code }, { reason: 'Unauthorized', code: 401 });
        assert.equal(knownAfter, 'null');
      }
    });
  }
});

test('a plain-HTTP request has no certificate to offer', async () => {
  const req = { headers: {}, socket: {} } as unknown as IncomingMessage;
  assert.equal(await x509Authenticator().authenticate(req), undefined);
});
