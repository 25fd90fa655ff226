import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionStore } from './sessions.ts';

test('sessions: create, get, delete; tokens are long and distinct', () => {
  const s = new SessionStore();
  const a = s.create('admin');
  const b = s.create('admin');
  assert.notEqual(a, b);
  assert.ok(a.length >= 43, 'a 256-bit token in base64url');
  assert.equal(s.get(a)?.user, 'admin');
  s.delete(a);
  assert.equal(s.get(a), undefined);
  assert.equal(s.get(b)?.user, 'admin');
  assert.equal(s.get(undefined), undefined);
  assert.equal(s.get('made-up'), undefined);
});

test('sessions: idle timeout, renewed by use; absolute lifetime', () => {
  let now = 0;
  const s = new SessionStore({ idleMs: 100, maxAgeMs: 250, now: () => now });
  const tok = s.create('admin');
  now = 90;
  assert.ok(s.get(tok), 'used before the idle timeout');
  now = 180;
  assert.ok(s.get(tok), 'idle time counts from the last use');
  now = 240;
  assert.ok(s.get(tok));
  now = 260;
  assert.equal(s.get(tok), undefined, 'past the absolute lifetime even though used recently');

  const idle = s.create('admin');
  now = 361;
  assert.equal(s.get(idle), undefined, 'idle too long');
  assert.equal(s.size(), 0);
});
