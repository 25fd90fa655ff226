import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListen, parseResolvConf, parseUpstreams } from './resolv-conf.ts';

test('resolv.conf: nameserver lines in order, comments and other options ignored', () => {
  const text = [
    '# generated',
    'search default.svc.cluster.local svc.cluster.local',
    'nameserver 10.255.255.53',
    'nameserver   fe80::1%eth0 ; link-local',
    'nameserver not-an-ip',
    'options ndots:5',
    'nameserver 1.1.1.1 # trailing',
  ].join('\n');
  assert.deepEqual(parseResolvConf(text), [
    { host: '10.255.255.53', port: 53 },
    { host: 'fe80::1%eth0', port: 53 },
    { host: '1.1.1.1', port: 53 },
  ]);
});

test('upstream and listen flags', () => {
  assert.deepEqual(parseUpstreams('1.1.1.1, 8.8.8.8:5353,[::1]:54,::1'), [
    { host: '1.1.1.1', port: 53 },
    { host: '8.8.8.8', port: 5353 },
    { host: '::1', port: 54 },
    { host: '::1', port: 53 },
  ]);
  for (const bad of ['dns.google', '1.1.1.1:0', '1.1.1.1:70000', '[::1]:x'])
    assert.throws(() => parseUpstreams(bad), /upstream/, bad);
  assert.deepEqual(parseListen('127.0.0.1:5353'), { host: '127.0.0.1', port: 5353 });
  assert.deepEqual(parseListen('[::1]:53'), { host: '::1', port: 53 });
  for (const bad of ['127.0.0.1', 'localhost:53', ':53'])
    assert.throws(() => parseListen(bad), /listen/, bad);
});
