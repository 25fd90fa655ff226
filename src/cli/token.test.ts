import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bootstrapSecretFrom,
  bootstrapTokenProblem,
  parseBootstrapToken,
} from '../apiserver/authn/bootstrap-token.ts';
import { bootstrapTokenSecret, generateBootstrapToken, ttlMs } from './token.ts';

test('generated tokens have the bootstrap shape and differ', () => {
  const a = generateBootstrapToken();
  const b = generateBootstrapToken();
  assert.ok(parseBootstrapToken(a), a);
  assert.notEqual(a, b);
});

test('ttlMs: durations, 0 for never, errors name the flag', () => {
  assert.equal(ttlMs('24h'), 86_400_000);
  assert.equal(ttlMs('30m'), 1_800_000);
  assert.equal(ttlMs('0'), 0);
  assert.throws(() => ttlMs('tomorrow'), /--ttl/);
  assert.throws(() => ttlMs('10ms'), /--ttl/);
});

test('the token Secret authenticates its token until it expires', () => {
  const now = Date.UTC(2026, 0, 1);
  const { secret, expiration } = bootstrapTokenSecret(
    'abcdef.0123456789abcdef',
    now,
    3_600_000,
    'for node-3',
  );
  assert.equal(expiration, '2026-01-01T01:00:00Z');
  assert.equal(secret.metadata.name, 'bootstrap-token-abcdef');
  assert.equal(secret.metadata.namespace, 'kube-system');
  const s = bootstrapSecretFrom(secret);
  assert.equal(s.data['auth-extra-groups'], 'system:bootstrappers:berth:default-node-token');
  assert.equal(s.data.description, 'for node-3');
  assert.equal(bootstrapTokenProblem(s, 'abcdef', '0123456789abcdef', now), undefined);
  assert.match(bootstrapTokenProblem(s, 'abcdef', '0123456789abcdef', now + 3_600_000) ?? '', /expired/);
  const forever = bootstrapSecretFrom(bootstrapTokenSecret('abcdef.0123456789abcdef', now, 0).secret);
  assert.equal(forever.data.expiration, undefined);
  assert.equal(bootstrapTokenProblem(forever, 'abcdef', '0123456789abcdef', now + 1e12), undefined);
});
