import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateStore } from './state-store.ts';

/** `updates` read-modify-writes of the state, each adding one machine named after the process. */
const writer = (dir: string, updates: number): string => `
  import { StateStore } from ${JSON.stringify(new URL('./state-store.ts', import.meta.url).href)};
  const store = new StateStore(${JSON.stringify(dir)});
  for (let i = 0; i < ${updates}; i++)
    await store.update(async (s) => {
      const n = Object.keys(s.machines).length;
      await new Promise((r) => setImmediate(r));
      s.machines['p' + process.pid + '-' + i] = { name: 'm' + n };
    });
`;

test('writers in several processes take turns under the lock: no update is lost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-state-'));
  try {
    const procs = 4;
    const updates = 40;
    await Promise.all(
      Array.from(
        { length: procs },
        () =>
          new Promise<void>((resolve, reject) => {
            const child = spawn(process.execPath, ['--input-type=module', '-e', writer(dir, updates)], {
              stdio: ['ignore', 'ignore', 'pipe'],
            });
            let err = '';
            child.stderr.on('data', (c: Buffer) => (err += c.toString()));
            child.on('exit', (code) =>
              code === 0 ? resolve() : reject(new Error(`writer exited ${code}: ${err}`)),
            );
          }),
      ),
    );
    const machines = Object.values(new StateStore(dir).read().machines) as unknown as { name: string }[];
    assert.equal(machines.length, procs * updates);
    // Each update saw every earlier one: the counts it recorded are exactly 0 … N-1.
    assert.deepEqual(
      machines.map((m) => Number(m.name.slice(1))).sort((a, b) => a - b),
      Array.from({ length: procs * updates }, (_, i) => i),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
