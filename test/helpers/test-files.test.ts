import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findTestFiles, selectTestFiles, splitArgs } from './test-files.ts';

test('findTestFiles walks src, test and bench and skips the rest', () => {
  const root = mkdtempSync(join(tmpdir(), 'testfiles-'));
  try {
    for (const f of [
      'src/store/sqlite.test.ts',
      'src/store/sqlite.ts',
      'src/api/deep/x/y.test.ts',
      'test/e2e/kubectl.test.ts',
      'bench/harness.test.ts',
      'web/app.test.ts',
      'src/node_modules/pkg/a.test.ts',
      'node_modules/pkg/b.test.ts',
    ]) {
      mkdirSync(dirname(join(root, f)), { recursive: true });
      writeFileSync(join(root, f), '');
    }
    assert.deepEqual(findTestFiles(root), [
      'bench/harness.test.ts',
      'src/api/deep/x/y.test.ts',
      'src/store/sqlite.test.ts',
      'test/e2e/kubectl.test.ts',
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('selectTestFiles filters by substring', () => {
  const files = [
    'src/api/a.test.ts',
    'src/store/sqlite.test.ts',
    'src/store/watch.test.ts',
    'test/e2e/kubectl-get.test.ts',
  ];
  const cases: { filters: string[]; want: string[] }[] = [
    { filters: [], want: files },
    { filters: ['src/store'], want: ['src/store/sqlite.test.ts', 'src/store/watch.test.ts'] },
    { filters: ['./src/store/'], want: ['src/store/sqlite.test.ts', 'src/store/watch.test.ts'] },
    { filters: ['kubectl', 'api/'], want: ['src/api/a.test.ts', 'test/e2e/kubectl-get.test.ts'] },
    { filters: ['nothing'], want: [] },
    { filters: ['test'], want: ['test/e2e/kubectl-get.test.ts'] },
    { filters: ['src/store/watch.test.ts'], want: ['src/store/watch.test.ts'] },
  ];
  for (const c of cases) assert.deepEqual(selectTestFiles(files, c.filters), c.want, c.filters.join(' '));
});

test('splitArgs separates node flags from filters', () => {
  assert.deepEqual(splitArgs(['src/store', '--test-name-pattern=watch', 'e2e']), {
    nodeFlags: ['--test-name-pattern=watch'],
    filters: ['src/store', 'e2e'],
  });
});
