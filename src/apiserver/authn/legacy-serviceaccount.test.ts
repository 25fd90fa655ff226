import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { decodeJwt } from 'jose';
import { StatusError } from '../../api/errors.ts';
import { generateKeyPair, privateKeyToPem, publicKeyToPem } from '../pki/keys.ts';
import {
  legacyServiceAccountAuthenticator,
  legacyServiceAccountIssuer,
  signLegacyServiceAccountToken,
  type LegacySecretState,
} from './legacy-serviceaccount.ts';
import { serviceAccountIssuer, signServiceAccountToken } from './serviceaccount-token.ts';

const pair = await generateKeyPair();
const privateKey = await privateKeyToPem(pair.privateKey);
const publicKey = await publicKeyToPem(pair.publicKey);
const other = await privateKeyToPem((await generateKeyPair()).privateKey);

const req = (token?: string): IncomingMessage =>
  ({ headers: token ? { authorization: `Bearer ${token}` } : {}, socket: {} }) as unknown as IncomingMessage;

const claims = {
  namespace: 'ns1',
  serviceAccountName: 'bot',
  serviceAccountUid: 'uid-sa',
  secretName: 'bot-token',
};

function world(token: string) {
  const secrets = new Map<string, LegacySecretState>([['ns1/bot-token', { token, deleting: false }]]);
  const sas = new Map([['ns1/bot', { uid: 'uid-sa' }]]);
  const authn = legacyServiceAccountAuthenticator({
    publicKeys: [publicKey],
    lookupServiceAccount: async (ns, n) => sas.get(`${ns}/${n}`),
    lookupSecret: async (ns, n) => secrets.get(`${ns}/${n}`),
  });
  return { secrets, sas, authn };
}

async function rejected(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof StatusError && err.code === 401, String(err));
  return String((err as StatusError).cause);
}

test('a legacy token has the legacy claims and no expiry', async () => {
  const token = await signLegacyServiceAccountToken(privateKey, claims);
  const p = decodeJwt(token);
  assert.equal(p.iss, legacyServiceAccountIssuer);
  assert.equal(p.sub, 'system:serviceaccount:ns1:bot');
  assert.equal(p.exp, undefined);
  assert.equal(p['kubernetes.io/serviceaccount/secret.name'], 'bot-token');
  assert.equal(p['kubernetes.io/serviceaccount/service-account.uid'], 'uid-sa');
});

test('accepted while its Secret holds it and its ServiceAccount lives; revoked when either goes', async () => {
  const token = await signLegacyServiceAccountToken(privateKey, claims);
  const w = world(token);
  const user = await w.authn.authenticate(req(token));
  assert.equal(user?.name, 'system:serviceaccount:ns1:bot');
  assert.equal(user?.uid, 'uid-sa');
  assert.deepEqual(user?.groups, [
    'system:serviceaccounts',
    'system:serviceaccounts:ns1',
    'system:authenticated',
  ]);

  type World = ReturnType<typeof world>;
  const cases: [string, (w: World) => void, RegExp][] = [
    ['secret deleted', (w) => w.secrets.delete('ns1/bot-token'), /no longer exists/],
    [
      'secret terminating',
      (w) => w.secrets.set('ns1/bot-token', { token, deleting: true }),
      /no longer exists/,
    ],
    [
      'secret holds another token',
      (w) => w.secrets.set('ns1/bot-token', { token: 'x', deleting: false }),
      /different token/,
    ],
    ['service account replaced', (w) => w.sas.set('ns1/bot', { uid: 'uid-other' }), /has been deleted/],
    ['service account deleted', (w) => w.sas.delete('ns1/bot'), /has been deleted/],
  ];
  for (const [what, change, reason] of cases) {
    const fresh = world(token);
    assert.ok(await fresh.authn.authenticate(req(token)), what);
    change(fresh);
    // The cached signature must not hide the change: the next request is refused.
    assert.match(await rejected(fresh.authn.authenticate(req(token))), reason, what);
  }
});

test('tokens it does not own are left to other authenticators; forged ones are refused', async () => {
  const token = await signLegacyServiceAccountToken(privateKey, claims);
  const w = world(token);
  assert.equal(await w.authn.authenticate(req()), undefined);
  assert.equal(await w.authn.authenticate(req('static-token')), undefined);
  const bound = await signServiceAccountToken(privateKey, {
    namespace: 'ns1',
    name: 'bot',
    uid: 'uid-sa',
    audiences: [serviceAccountIssuer],
    expirationSeconds: 3600,
  });
  assert.equal(await w.authn.authenticate(req(bound)), undefined);
  const forged = await signLegacyServiceAccountToken(other, claims);
  w.secrets.set('ns1/bot-token', { token: forged, deleting: false });
  await rejected(w.authn.authenticate(req(forged)));
});
