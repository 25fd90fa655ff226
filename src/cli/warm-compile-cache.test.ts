import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { modulesToWarm } from './warm-compile-cache.ts';

const srcRoot = join(import.meta.dirname, '..');

test('modulesToWarm: every source module, but no tests, test data, entry point or itself', () => {
  const files = modulesToWarm().map((f) => relative(srcRoot, f));
  assert.ok(files.includes(join('cli', 'server.ts')));
  assert.ok(files.includes(join('controllers', 'manager-thread-entry.ts')));
  assert.ok(files.length > 300, `only ${files.length} modules`);
  for (const f of files) {
    assert.ok(!f.endsWith('.test.ts') && !f.split(sep).includes('testdata'), f);
    assert.notEqual(f, join('cli', 'main.ts'));
    assert.notEqual(f, join('cli', 'warm-compile-cache.ts'));
  }
});

test('npm run build:cache fills the given cache directory and exits 0', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cache-'));
  try {
    const r = spawnSync(process.execPath, [join(srcRoot, 'cli', 'warm-compile-cache.ts')], {
      env: { ...process.env, NODE_COMPILE_CACHE: dir },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    // One subdirectory per Node version and flags hash, holding one entry per module.
    const [sub] = readdirSync(dir);
    assert.ok(sub, 'no cache written');
    const entries = readdirSync(join(dir, sub));
    assert.ok(entries.length > 300, `only ${entries.length} cache entries`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
