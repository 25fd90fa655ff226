/**
 * Child process for the SQLite process-level tests (sqlite-process.test.ts).
 *   write <path>  open the store and create keys from 32 concurrent callers forever, printing each key
 *                 only after its create resolved (so every printed key was acknowledged as durable);
 *   open <path>   try to open the store and print the outcome as one JSON line, then exit.
 */
import { openSqliteStore } from '../sqlite.ts';
import { StoreError } from '../types.ts';

const [mode, path] = process.argv.slice(2);

if (mode === 'open') {
  try {
    const store = openSqliteStore({ path });
    await store.close();
    console.log(JSON.stringify({ ok: true }));
  } catch (err) {
    const code = err instanceof StoreError ? err.code : 'other';
    console.log(
      JSON.stringify({ ok: false, code, message: err instanceof Error ? err.message : String(err) }),
    );
  }
} else if (mode === 'write') {
  const store = openSqliteStore({ path });
  let next = 0;
  const value = JSON.stringify({ pad: 'x'.repeat(200) });
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (true) {
        const key = `/durability/k${next++}`;
        await store.create(key, value);
        process.stdout.write(`${key}\n`);
      }
    }),
  );
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
