/**
 * Create throughput of the API server measured with wrk (a C load generator) instead of a Node client,
 * so on a 2-core machine the server, not the client, is what saturates. Baseline in the same run: raw
 * node:sqlite inserts with the same durability (WAL, synchronous=FULL), one transaction per insert and
 * batched per event-loop turn. Needs `wrk` (Debian package wrk); `npm run bench -- api-wrk [--seconds N]`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthBin, freePort, repoRoot } from '../test/helpers/server.ts';
import { openSqliteBaseline } from './lib/sqlite-baseline.ts';
import { resultsDir } from './harness.ts';

const seconds = Number(
  process.argv.includes('--seconds') ? process.argv[process.argv.indexOf('--seconds') + 1] : 6,
);
const runs = 3;

if (spawnSync('sh', ['-c', 'command -v wrk']).status !== 0) {
  process.stderr.write('api-wrk: wrk is not installed (apt-get install wrk)\n');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'berth-bench-wrk-'));
const token = 'bench-' + Math.random().toString(36).slice(2);
writeFileSync(join(dir, 'tokens.csv'), `${token},bench,1,"system:masters"\n`);
writeFileSync(
  join(dir, 'create.lua'),
  `local id = 0
function setup(thread) id = id + 1; thread:set("tid", id) end
local n = 0
run = tostring(os.time()) .. tostring(math.random(1000000))
request = function()
  n = n + 1
  local body = '{"metadata":{"name":"cm-' .. run .. '-' .. tid .. '-' .. n .. '"},"data":{"a":"b"}}'
  return wrk.format("POST", "/api/v1/namespaces/bench/configmaps", {["Content-Type"]="application/json", ["Authorization"]="Bearer ${token}"}, body)
end
`,
);
const port = await freePort();
const server = spawn(
  berthBin,
  [
    'server',
    '--data-dir',
    join(dir, 'data'),
    '--listen',
    `127.0.0.1:${port}`,
    '--token-auth-file',
    join(dir, 'tokens.csv'),
    '--log-level',
    'error',
  ],
  {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
await new Promise<void>((resolve, reject) => {
  server.stdout!.on('data', (c: Buffer) => c.toString().includes('API listening') && resolve());
  server.on('exit', (code) => reject(new Error(`berth server exited ${code}`)));
});

const base = `https://127.0.0.1:${port}`;
const made = spawnSync(
  'curl',
  [
    '-sk',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code}',
    '-H',
    `Authorization: Bearer ${token}`,
    '-H',
    'Content-Type: application/json',
    '-X',
    'POST',
    `${base}/api/v1/namespaces`,
    '-d',
    '{"metadata":{"name":"bench"}}',
  ],
  { encoding: 'utf8' },
);
if (made.stdout !== '201') throw new Error(`could not create the bench namespace: ${made.stdout}`);

const wrkRun = (): { rps: number; errors: number; p50: string; p99: string } => {
  const r = spawnSync(
    'wrk',
    ['-t1', '-c32', `-d${seconds}s`, '--latency', '-s', join(dir, 'create.lua'), base + '/'],
    { encoding: 'utf8' },
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? 0);
  const errors = Number(/Non-2xx or 3xx responses: (\d+)/.exec(r.stdout)?.[1] ?? 0);
  return {
    rps,
    errors,
    p50: /50%\s+(\S+)/.exec(r.stdout)?.[1] ?? '?',
    p99: /99%\s+(\S+)/.exec(r.stdout)?.[1] ?? '?',
  };
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const creates = Array.from({ length: runs }, wrkRun);
server.kill('SIGTERM');

// Baselines: raw SQLite inserts with the same durability, for the same wall time per run.
mkdirSync(join(dir, 'sqlite'), { recursive: true });
const sqlite = openSqliteBaseline(join(dir, 'sqlite'));
const value = JSON.stringify({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'x', namespace: 'bench' },
  data: { a: 'b' },
});
const rate = async (fn: (i: number) => unknown): Promise<number> => {
  const end = Date.now() + seconds * 1000;
  let i = 0;
  const t0 = Date.now();
  while (Date.now() < end) await fn(i++);
  return i / ((Date.now() - t0) / 1000);
};
let k = 0;
const oneTx = await rate(() => sqlite.insertOne(`one-${k++}`, value));
const batched = await (async () => {
  const end = Date.now() + seconds * 1000;
  let n = 0;
  const t0 = Date.now();
  await Promise.all(
    Array.from({ length: 32 }, async (_, w) => {
      while (Date.now() < end) {
        await sqlite.insertBatched(`b-${w}-${n}`, value);
        n++;
      }
    }),
  );
  return n / ((Date.now() - t0) / 1000);
})();
sqlite.close();
rmSync(dir, { recursive: true, force: true });

const createMedian = median(creates.map((c) => c.rps));
const rows = [
  [
    'create ConfigMap, wrk 32 conns (median of 3)',
    `${Math.round(createMedian)}/s`,
    `runs ${creates.map((c) => Math.round(c.rps)).join(', ')}; errors ${creates.reduce((a, c) => a + c.errors, 0)}; p50 ${creates[1].p50} p99 ${creates[1].p99}`,
  ],
  [
    'baseline: sqlite 1 INSERT per tx (WAL, FULL)',
    `${Math.round(oneTx)}/s`,
    `ratio ${(createMedian / oneTx).toFixed(2)}x`,
  ],
  [
    'baseline: sqlite 32 writers batched per turn',
    `${Math.round(batched)}/s`,
    `ratio ${(createMedian / batched).toFixed(2)}x`,
  ],
];
process.stdout.write(`== api-wrk (node ${process.version}, ${new Date().toISOString()})\n\n`);
for (const r of rows) process.stdout.write(`${r[0].padEnd(48)} ${r[1].padStart(9)}   ${r[2]}\n`);
process.stdout.write(`\ntarget: create >= 3,000/s (met: ${createMedian >= 3000 ? 'yes' : 'NO'})\n`);
mkdirSync(resultsDir(), { recursive: true });
const file = join(resultsDir(), `api-wrk-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  JSON.stringify({ creates, createMedian, sqliteOneTx: oneTx, sqliteBatched: batched, seconds }, null, 2),
);
process.stdout.write(`results: ${file}\n`);
