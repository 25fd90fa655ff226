import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { StatusError } from '../../api/errors.ts';
import {
  bootstrapSecretFrom,
  bootstrapTokenAuthenticator,
  parseBootstrapToken,
  type BootstrapTokenSecret,
} from './bootstrap-token.ts';

const now = Date.parse('2026-01-01T00:00:00Z');
const req = (token?: string): IncomingMessage =>
  ({ headers: token ? { authorization: `Bearer ${token}` } : {}, socket: {} }) as unknown as IncomingMessage;

function secret(
  data: Record<string, string>,
  extra: Partial<BootstrapTokenSecret> = {},
): BootstrapTokenSecret {
  return {
    type: 'bootstrap.kubernetes.io/token',
    deleting: false,
    data: {
      'token-id': 'abcdef',
      'token-secret': '0123456789abcdef',
      'usage-bootstrap-authentication': 'true',
      expiration: '2026-01-02T00:00:00Z',
      'auth-extra-groups': 'system:bootstrappers:berth:default-node-token,system:masters',
      ...data,
    },
    ...extra,
  };
}

test('parseBootstrapToken', () => {
  assert.deepEqual(parseBootstrapToken('abcdef.0123456789abcdef'), {
    id: 'abcdef',
    secret: '0123456789abcdef',
  });
  for (const bad of [
    'abcdef.0123456789abcde',
    'ABCDEF.0123456789abcdef',
    'abcdef0123456789abcdef',
    'eyJhbGciOi.x.y',
  ])
    assert.equal(parseBootstrapToken(bad), undefined, bad);
});

test('bootstrapSecretFrom decodes data', () => {
  const s = bootstrapSecretFrom({
    metadata: { name: 'bootstrap-token-abcdef' },
    type: 'bootstrap.kubernetes.io/token',
    data: { 'token-id': Buffer.from('abcdef').toString('base64') },
  });
  assert.deepEqual(s, {
    data: { 'token-id': 'abcdef' },
    type: 'bootstrap.kubernetes.io/token',
    deleting: false,
  });
});

const cases: [string, string | undefined, BootstrapTokenSecret | undefined, 'user' | 'none' | 'reject'][] = [
  ['valid token', 'abcdef.0123456789abcdef', secret({}), 'user'],
  ['no token', undefined, secret({}), 'none'],
  ['not a bootstrap token', 'some-jwt', secret({}), 'none'],
  ['unknown id', 'abcdef.0123456789abcdef', undefined, 'none'],
  ['wrong secret', 'abcdef.0123456789abcdee', secret({}), 'reject'],
  ['expired', 'abcdef.0123456789abcdef', secret({ expiration: '2025-12-31T23:59:59Z' }), 'reject'],
  [
    'not for authentication',
    'abcdef.0123456789abcdef',
    secret({ 'usage-bootstrap-authentication': 'false' }),
    'reject',
  ],
  ['wrong type', 'abcdef.0123456789abcdef', secret({}, { type: 'Opaque' }), 'reject'],
  ['being deleted', 'abcdef.0123456789abcdef', secret({}, { deleting: true }), 'reject'],
  ['id mismatch', 'abcdef.0123456789abcdef', secret({ 'token-id': 'zzzzzz' }), 'reject'],
];
for (const [name, token, s, want] of cases) {
  test(`bootstrap token authenticator: ${name}`, async () => {
    const names: string[] = [];
    const a = bootstrapTokenAuthenticator({
      lookupSecret: async (n) => {
        names.push(n);
        return s;
      },
      now: () => now,
    });
    const r = a.authenticate(req(token));
    if (want === 'reject') {
      await assert.rejects(r, (e: unknown) => e instanceof StatusError && e.code === 401);
      return;
    }
    const user = await r;
    if (want === 'none') return assert.equal(user, undefined);
    assert.deepEqual(names, ['bootstrap-token-abcdef']);
    // system:masters in auth-extra-groups is ignored: only system:bootstrappers:* groups count.
    assert.deepEqual(user, {
      name: 'system:bootstrap:abcdef',
      groups: [
        'system:bootstrappers',
        'system:bootstrappers:berth:default-node-token',
        'system:authenticated',
      ],
    });
  });
}
