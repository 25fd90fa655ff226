import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { StatusError } from '../../api/errors.ts';
import { generateKeyPair, privateKeyToPem, publicKeyToPem } from '../pki/keys.ts';
import { serviceAccountAuthenticator } from './serviceaccount.ts';
import type { ServiceAccountAuthenticatorOptions } from './serviceaccount.ts';
import { serviceAccountIssuer, signServiceAccountToken } from './serviceaccount-token.ts';
import type { ServiceAccountTokenRequest } from './serviceaccount-token.ts';

const pair = await generateKeyPair();
const privateKey = await privateKeyToPem(pair.privateKey);
const publicKey = await publicKeyToPem(pair.publicKey);
const otherPair = await generateKeyPair();
const otherPrivateKey = await privateKeyToPem(otherPair.privateKey);

const req = (token?: string): IncomingMessage =>
  ({ headers: token ? { authorization: `Bearer ${token}` } : {}, socket: {} }) as unknown as IncomingMessage;

const sa = { namespace: 'team-a', name: 'builder', uid: 'uid-sa-1' };
const base: ServiceAccountTokenRequest = {
  ...sa,
  audiences: [serviceAccountIssuer],
  expirationSeconds: 3600,
};

/** A world with one service account and one pod, both removable. */
function world() {
  const serviceAccounts = new Map([[`${sa.namespace}/${sa.name}`, { uid: sa.uid }]]);
  const pods = new Map([['team-a/web-0', { uid: 'uid-pod-1' }]]);
  let lookups = 0;
  const opts: ServiceAccountAuthenticatorOptions = {
    publicKeys: [publicKey],
    lookupServiceAccount: async (ns, name) => {
      lookups++;
      return serviceAccounts.get(`${ns}/${name}`);
    },
    lookupBoundObject: async (kind, ns, name) => (kind === 'Pod' ? pods.get(`${ns}/${name}`) : undefined),
  };
  return { serviceAccounts, pods, opts, lookups: () => lookups };
}

test('signed tokens have the Kubernetes shape', async () => {
  const now = Date.UTC(2030, 0, 1);
  const token = await signServiceAccountToken(privateKey, {
    ...base,
    now,
    boundObject: { kind: 'Pod', name: 'web-0', uid: 'uid-pod-1' },
  });
  const header = decodeProtectedHeader(token);
  assert.equal(header.alg, 'ES256');
  assert.match(String(header.kid), /^[A-Za-z0-9_-]{43}$/);
  const claims = decodeJwt(token);
  assert.equal(claims.iss, 'https://kubernetes.default.svc.cluster.local');
  assert.equal(claims.sub, 'system:serviceaccount:team-a:builder');
  assert.deepEqual(claims.aud, [serviceAccountIssuer]);
  assert.equal(claims.iat, now / 1000);
  assert.equal(claims.nbf, now / 1000);
  assert.equal(claims.exp, now / 1000 + 3600);
  assert.equal(typeof claims.jti, 'string');
  assert.deepEqual(claims['kubernetes.io'], {
    namespace: 'team-a',
    serviceaccount: { name: 'builder', uid: 'uid-sa-1' },
    pod: { name: 'web-0', uid: 'uid-pod-1' },
  });
});

test('a valid token authenticates as the service account', async () => {
  const w = world();
  const token = await signServiceAccountToken(privateKey, {
    ...base,
    boundObject: { kind: 'Pod', name: 'web-0', uid: 'uid-pod-1' },
  });
  const user = await serviceAccountAuthenticator(w.opts).authenticate(req(token));
  assert.equal(user?.name, 'system:serviceaccount:team-a:builder');
  assert.equal(user?.uid, 'uid-sa-1');
  assert.deepEqual(user?.groups, [
    'system:serviceaccounts',
    'system:serviceaccounts:team-a',
    'system:authenticated',
  ]);
  assert.deepEqual(user?.extra?.['authentication.kubernetes.io/pod-name'], ['web-0']);
  assert.deepEqual(user?.extra?.['authentication.kubernetes.io/pod-uid'], ['uid-pod-1']);
  assert.match(user?.extra?.['authentication.kubernetes.io/credential-id']?.[0] ?? '', /^JTI=/);
});

test('tokens that are not ours are left to other authenticators', async () => {
  const w = world();
  const authn = serviceAccountAuthenticator(w.opts);
  const cases: [string, string | undefined][] = [
    ['no token', undefined],
    ['not a JWT', 'static-token-abc'],
    [
      'foreign issuer',
      await signServiceAccountToken(privateKey, { ...base, issuer: 'https://elsewhere.example' }),
    ],
  ];
  for (const [name, token] of cases) assert.equal(await authn.authenticate(req(token)), undefined, name);
});

test('invalid tokens are 401', async (t) => {
  const cases: {
    name: string;
    token: () => Promise<string>;
    change?: (w: ReturnType<typeof world>) => void;
    opts?: Partial<ServiceAccountAuthenticatorOptions>;
  }[] = [
    {
      name: 'expired',
      token: () =>
        signServiceAccountToken(privateKey, { ...base, expirationSeconds: 600, now: Date.now() - 3600_000 }),
    },
    {
      name: 'not yet valid',
      token: () => signServiceAccountToken(privateKey, { ...base, now: Date.now() + 3600_000 }),
    },
    { name: 'signed by another key', token: () => signServiceAccountToken(otherPrivateKey, base) },
    {
      name: 'wrong audience',
      token: () => signServiceAccountToken(privateKey, { ...base, audiences: ['vault'] }),
    },
    {
      name: 'tampered payload',
      token: async () => {
        const [h, p, s] = (await signServiceAccountToken(privateKey, base)).split('.');
        const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
        claims.sub = 'system:serviceaccount:kube-system:admin';
        return [h, Buffer.from(JSON.stringify(claims)).toString('base64url'), s].join('.');
      },
    },
    {
      name: 'service account deleted',
      token: () => signServiceAccountToken(privateKey, base),
      change: (w) => w.serviceAccounts.clear(),
    },
    {
      name: 'service account re-created with a new uid',
      token: () => signServiceAccountToken(privateKey, base),
      change: (w) => w.serviceAccounts.set('team-a/builder', { uid: 'uid-sa-2' }),
    },
    {
      name: 'bound pod deleted',
      token: () =>
        signServiceAccountToken(privateKey, {
          ...base,
          boundObject: { kind: 'Pod', name: 'web-0', uid: 'uid-pod-1' },
        }),
      change: (w) => w.pods.clear(),
    },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const w = world();
      c.change?.(w);
      const authn = serviceAccountAuthenticator({ ...w.opts, ...c.opts });
      await assert.rejects(authn.authenticate(req(await c.token())), (err: unknown) => {
        assert.ok(err instanceof StatusError);
        assert.equal(err.code, 401);
        assert.equal(err.status.message, 'Unauthorized');
        return true;
      });
    });
  }
});

test('a token for another audience is accepted when that audience is configured', async () => {
  const w = world();
  const token = await signServiceAccountToken(privateKey, { ...base, audiences: ['vault'] });
  const user = await serviceAccountAuthenticator({
    ...w.opts,
    audiences: ['vault', serviceAccountIssuer],
  }).authenticate(req(token));
  assert.equal(user?.name, 'system:serviceaccount:team-a:builder');
});

test('either of two keys verifies during rotation', async () => {
  const w = world();
  const authn = serviceAccountAuthenticator({
    ...w.opts,
    publicKeys: [await publicKeyToPem(otherPair.publicKey), publicKey],
  });
  for (const key of [privateKey, otherPrivateKey]) {
    assert.ok(await authn.authenticate(req(await signServiceAccountToken(key, base))));
  }
});

test('verified tokens are cached briefly; deletion takes effect when the entry lapses', async () => {
  const w = world();
  let now = Date.now();
  const authn = serviceAccountAuthenticator({ ...w.opts, cacheTtlMs: 10_000, now: () => now });
  const token = await signServiceAccountToken(privateKey, { ...base, now });
  assert.ok(await authn.authenticate(req(token)));
  assert.ok(await authn.authenticate(req(token)));
  assert.equal(w.lookups(), 1, 'second request served from the cache');
  w.serviceAccounts.clear();
  assert.ok(await authn.authenticate(req(token)), 'still cached');
  now += 10_001;
  await assert.rejects(authn.authenticate(req(token)), StatusError);
});

test('a cached token stops working when it expires, even inside the TTL', async () => {
  const w = world();
  let now = Date.now();
  const authn = serviceAccountAuthenticator({ ...w.opts, cacheTtlMs: 60_000, now: () => now });
  const token = await signServiceAccountToken(privateKey, { ...base, expirationSeconds: 5, now });
  assert.ok(await authn.authenticate(req(token)));
  now += 6_000;
  await assert.rejects(authn.authenticate(req(token)), StatusError);
});
