import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  channel,
  execSocketUrl,
  exitStatus,
  frame,
  readFrame,
  resizeFrame,
  splitCommand,
} from './exec-channel.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

test('frame and readFrame: the channel is the first byte', () => {
  const f = frame(channel.stdin, 'ls\n');
  assert.deepEqual([...f], [0, ...enc('ls\n')]);
  const r = readFrame(f.buffer as ArrayBuffer);
  assert.equal(r.channel, 0);
  assert.equal(dec(r.data), 'ls\n');
  assert.equal(readFrame(new Uint8Array([])).channel, -1);
  assert.deepEqual(JSON.parse(dec(readFrame(resizeFrame(120, 40)).data)), { Width: 120, Height: 40 });
  assert.equal(resizeFrame(1, 1)[0], channel.resize);
});

test('exitStatus: success, exit code, refusal, garbage', () => {
  assert.deepEqual(exitStatus(enc('{"metadata":{},"status":"Success"}')), { ok: true, exitCode: 0 });
  assert.deepEqual(
    exitStatus(
      enc(
        JSON.stringify({
          status: 'Failure',
          reason: 'NonZeroExitCode',
          message: 'command terminated with non-zero exit code',
          details: { causes: [{ reason: 'ExitCode', message: '3' }] },
        }),
      ),
    ),
    { ok: false, exitCode: 3, message: 'command terminated with non-zero exit code' },
  );
  assert.deepEqual(exitStatus(enc('{"status":"Failure","message":"pod p does not have a host assigned"}')), {
    ok: false,
    message: 'pod p does not have a host assigned',
  });
  assert.deepEqual(exitStatus(enc('not json')), { ok: false, message: 'not json' });
});

test('execSocketUrl: same origin, wss for https, repeated command words', () => {
  assert.equal(
    execSocketUrl(
      { protocol: 'https:', host: '127.0.0.1:9443' },
      'local',
      { namespace: 'a b', pod: 'p', container: 'c' },
      ['sh', '-l'],
    ),
    'wss://127.0.0.1:9443/api/clusters/local/k8s/api/v1/namespaces/a%20b/pods/p/exec?container=c&stdin=true&stdout=true&tty=true&command=sh&command=-l',
  );
  assert.match(
    execSocketUrl({ protocol: 'http:', host: 'h' }, 'x', { namespace: 'n', pod: 'p', container: 'c' }, [
      'sh',
    ]),
    /^ws:\/\/h\//,
  );
});

test('splitCommand', () => {
  assert.deepEqual(splitCommand('  '), ['sh']);
  assert.deepEqual(splitCommand(' bash  -l '), ['bash', '-l']);
});
