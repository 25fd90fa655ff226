import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePushArgs, pushedRef } from './push.ts';

test('pushedRef names the image NAMESPACE/NAME:TAG after its own reference', () => {
  for (const [target, ref, want] of [
    ['127.0.0.1:5000/berth', 'berth.local/redis:bookworm', '127.0.0.1:5000/berth/redis:bookworm'],
    ['berth', 'docker.io/library/busybox:1.35', 'berth/busybox:1.35'],
    ['reg:5000/team', 'berth.local/pause', 'reg:5000/team/pause:latest'],
  ] as const) {
    assert.equal(pushedRef(target, ref), want);
  }
});

test('parsePushArgs reads --push and the registry flags of berth image push', () => {
  assert.equal(parsePushArgs(['--out', 'x', '--force']), undefined);
  assert.deepEqual(
    parsePushArgs([
      '--push',
      '127.0.0.1:5000/berth/',
      '--plain-http',
      '--password-file',
      '/d/pw',
      '--data-dir',
      '/d',
      '--out',
      'x',
    ]),
    {
      target: '127.0.0.1:5000/berth',
      flags: { quiet: true, plainHttp: true, passwordFile: '/d/pw', dataDir: '/d' },
    },
  );
  assert.throws(() => parsePushArgs(['--push']), /--push needs/);
  assert.throws(() => parsePushArgs(['--push', '--plain-http']), /--push needs/);
  assert.throws(() => parsePushArgs(['--push', 'ns', '--ca-file']), /--ca-file needs a value/);
});
