/**
 * Process-level guarantees of the SQLite store, with real child processes: an acknowledged write
 * survives kill -9, and a second process cannot open a file that one already holds.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openSqliteStore } from './sqlite.ts';

const child = join(import.meta.dirname, 'testdata', 'store-child.ts');
const dir = mkdtempSync(join(tmpdir(), 'berth-store-proc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the child in `open` mode and returns its one-line JSON verdict. */
async function tryOpenInChild(path: string): Promise<{ ok: boolean; code?: string; message?: string }> {
  const proc = spawn(process.execPath, [child, 'open', path], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
  assert.equal(code, 0, `child exited with ${code}: ${out}`);
  return JSON.parse(out.trim());
}

test('every acknowledged write survives kill -9', { timeout: 30_000 }, async () => {
  const path = join(dir, 'durability.db');
  const proc = spawn(process.execPath, [child, 'write', path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acked: string[] = [];
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  const lines = createInterface({ input: proc.stdout });
  await new Promise<void>((resolve, reject) => {
    proc.on('exit', (code, signal) =>
      reject(new Error(`writer died early (${code ?? signal}) after ${acked.length} keys`)),
    );
    lines.on('line', (line) => {
      acked.push(line);
      if (acked.length === 2000) {
        proc.kill('SIGKILL');
        resolve();
      }
    });
  });
  // Keys printed before the kill landed are acknowledged too: read the pipe to its end.
  await new Promise<void>((resolve) => lines.on('close', resolve));
  await exited;
  assert.equal(proc.signalCode, 'SIGKILL');

  const store = openSqliteStore({ path });
  try {
    const missing: string[] = [];
    for (const key of acked) if (!(await store.get(key))) missing.push(key);
    assert.deepEqual(missing, [], `${missing.length} of ${acked.length} acknowledged keys lost`);
    assert.ok((await store.count('/durability/')) >= acked.length);
  } finally {
    await store.close();
  }
});

test(
  'a second process is refused while the first holds the file, and admitted after',
  { timeout: 30_000 },
  async () => {
    const path = join(dir, 'exclusive.db');
    const store = openSqliteStore({ path });
    try {
      await store.create('/k', 'v');
      const refused = await tryOpenInChild(path);
      assert.equal(refused.ok, false);
      assert.equal(refused.code, 'Unavailable');
      assert.match(refused.message ?? '', new RegExp(`in use by another process \\(pid ${process.pid}\\)`));
      assert.equal(await store.count('/'), 1, 'the holder keeps working');
    } finally {
      await store.close();
    }
    assert.deepEqual(await tryOpenInChild(path), { ok: true });
  },
);
