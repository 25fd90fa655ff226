import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenIssuer } from './tokens.ts';

test('tokens: issued access verifies; expiry, audience, issuer, key and kind are checked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-tokens-'));
  try {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock = () => now;
    const keyPath = join(dir, 'token-key.pem');
    const issuer = await TokenIssuer.load(keyPath, {
      issuer: 'berth-registry',
      service: 'berth-registry',
      now: clock,
    });
    assert.equal(statSync(keyPath).mode & 0o777, 0o600);
    const access = [{ type: 'repository' as const, name: 'team/app', actions: ['pull' as const] }];
    const t = await issuer.issue('robot$team+ci', access, 300);
    assert.equal(t.expiresIn, 300);
    assert.deepEqual(await issuer.verify(t.token), {
      subject: 'robot$team+ci',
      access,
      expiresAt: now + 300_000,
    });
    const header = JSON.parse(Buffer.from(t.token.split('.')[0]!, 'base64url').toString()) as { alg: string };
    assert.equal(header.alg, 'ES256');

    // The same key file gives the same key: tokens survive a restart.
    const again = await TokenIssuer.load(keyPath, {
      issuer: 'berth-registry',
      service: 'berth-registry',
      now: clock,
    });
    assert.equal((await again.verify(t.token)).subject, 'robot$team+ci');

    const otherService = await TokenIssuer.load(keyPath, {
      issuer: 'berth-registry',
      service: 'other',
      now: clock,
    });
    await assert.rejects(otherService.verify(t.token), /aud/);
    const otherIssuer = await TokenIssuer.load(keyPath, {
      issuer: 'someone',
      service: 'berth-registry',
      now: clock,
    });
    await assert.rejects(otherIssuer.verify(t.token), /iss/);
    const otherKey = await TokenIssuer.load(join(dir, 'other.pem'), {
      issuer: 'berth-registry',
      service: 'berth-registry',
      now: clock,
    });
    await assert.rejects(otherKey.verify(t.token), /signature/);

    const [h, p] = t.token.split('.');
    const forged = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    forged.access = [{ type: 'repository', name: 'team/app', actions: ['push'] }];
    await assert.rejects(
      issuer.verify(
        `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${t.token.split('.')[2]}`,
      ),
    );

    const refresh = await issuer.issueRefresh('admin');
    assert.equal(await issuer.verifyRefresh(refresh), 'admin');
    await assert.rejects(issuer.verify(refresh), /refresh/);
    await assert.rejects(issuer.verifyRefresh(t.token), /refresh/);

    now += 301_000;
    await assert.rejects(issuer.verify(t.token), /exp/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
