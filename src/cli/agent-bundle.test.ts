import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildAgentBundle, inputsFile, repoRoot, sha256Line } from './agent-bundle.ts';

const node = join(repoRoot, 'node_modules', '.bin', 'node');

test('the bundle runs the berth command, and its input list checks with sha256sum against the sources', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-agent-bundle-'));
  try {
    const files = await buildAgentBundle(dir);
    for (const f of [
      'src/cli/main.ts',
      'src/cli/agent.ts',
      'src/node/agent/agent.ts',
      'src/cli/agent-bundle.ts',
    ])
      assert.ok(files.includes(f), `${f} missing from the input list`);
    assert.ok(files.some((f) => f.startsWith('node_modules/commander/')));
    execFileSync('sha256sum', ['--check', '--status', join(dir, inputsFile)], { cwd: repoRoot });
    // As bin/berth runs it: --jitless works only because the bundle is JavaScript (no TypeScript stripper).
    const out = execFileSync(node, ['--jitless', join(dir, 'main.js'), 'version'], { encoding: 'utf8' });
    const fromSource = execFileSync(node, [join(repoRoot, 'src', 'cli', 'main.ts'), 'version'], {
      encoding: 'utf8',
    });
    assert.equal(out, fromSource);
    // The DNS UDP thread (berth agent --dns-udp-threads) starts from its built entry, not from a .ts file.
    const worker = `
      import { Worker } from 'node:worker_threads';
      const w = new Worker(new URL('udp-thread.js', ${JSON.stringify(pathToFileURL(`${dir}/`).href)}), {
        execArgv: [],
        workerData: { host: '127.0.0.1', port: 0, domain: 'cluster.local', upstreams: [], snapshot: [] },
      });
      w.on('message', (m) => { if (m.type !== 'log') { process.stdout.write(m.type); w.postMessage({ op: 'close' }); } });
      w.on('error', (e) => process.stdout.write('error ' + e.message));`;
    const started = execFileSync(node, ['--jitless', '--input-type=module', '-e', worker], {
      encoding: 'utf8',
    });
    assert.equal(started, 'readyclosed');
    for (const chunk of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
      assert.doesNotMatch(readFileSync(join(dir, chunk), 'utf8'), /udp-thread\.ts/, chunk);
      assert.ok(
        readFileSync(join(dir, chunk)).every((b) => b < 0x80),
        `${chunk} is not ASCII-only`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A copy of bin/berth in a scratch root (its node_modules and src linked to the repository's) whose
 * dist/agent/main.js only reports that it ran, and whose input list names one scratch file.
 */
function scratchRoot(): { root: string; input: string; run(): { stdout: string; stderr: string } } {
  const root = mkdtempSync(join(tmpdir(), 'berth-bin-'));
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(repoRoot, 'bin', 'berth'), join(root, 'bin', 'berth'));
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
  symlinkSync(join(repoRoot, 'src'), join(root, 'src'));
  mkdirSync(join(root, 'dist', 'agent'), { recursive: true });
  writeFileSync(
    join(root, 'dist', 'agent', 'main.js'),
    'process.stdout.write(`bundle ${process.execArgv.join(" ")} ${process.argv.slice(2).join(" ")}`);\n',
  );
  const input = join(root, 'input.txt');
  writeFileSync(input, 'one\n');
  writeFileSync(join(root, 'dist', 'agent', inputsFile), `${sha256Line(root, 'input.txt')}\n`);
  return {
    root,
    input,
    run() {
      const r = spawnSync(join(root, 'bin', 'berth'), ['agent', '--help'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return { stdout: r.stdout, stderr: r.stderr };
    },
  };
}

test('bin/berth runs the agent from its bundle, without the JIT, while every input is unchanged', () => {
  const s = scratchRoot();
  try {
    const { stdout, stderr } = s.run();
    assert.match(stdout, /^bundle .*--jitless.* agent --help$/);
    assert.equal(stderr, '');
  } finally {
    rmSync(s.root, { recursive: true, force: true });
  }
});

test('bin/berth runs the agent from the sources, saying why, once an input of the bundle changed', () => {
  const s = scratchRoot();
  try {
    writeFileSync(s.input, 'two\n');
    const { stdout, stderr } = s.run();
    assert.match(stdout, /^Usage: berth agent/);
    assert.match(stderr, /dist\/agent was built from other sources/);
    rmSync(s.input);
    assert.match(s.run().stdout, /^Usage: berth agent/, 'an input that is gone makes the bundle stale too');
  } finally {
    rmSync(s.root, { recursive: true, force: true });
  }
});
