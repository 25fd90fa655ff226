import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duplexPair } from 'node:stream';
import { constants, inflateSync } from 'node:zlib';
import {
  Channel,
  channelProtocolV4,
  channelProtocolV5,
  chooseProtocol,
  execProtocols,
  exitStatus,
  frame,
  statusExitCode,
  unframe,
} from './channel.ts';
import { controlFrame, dataFrame, headerBlock, SpdySession, StoredZlibWriter } from './spdy.ts';

test('channel frames: one channel byte, then the data', () => {
  assert.deepEqual([...frame(Channel.stdout, 'hi')], [1, 0x68, 0x69]);
  assert.deepEqual([...frame(Channel.close, Buffer.from([Channel.stdin]))], [255, 0]);
  assert.deepEqual(unframe(Buffer.from([4, 0x7b, 0x7d])), { channel: 4, data: Buffer.from('{}') });
  assert.equal(unframe(Buffer.alloc(0)), undefined);
});

test('protocol choice prefers v5, then v4', () => {
  const cases: [string[], string | undefined][] = [
    [[channelProtocolV5], channelProtocolV5],
    [[channelProtocolV4, channelProtocolV5], channelProtocolV5],
    [[' v4.channel.k8s.io'], channelProtocolV4],
    [['channel.k8s.io', 'base64.channel.k8s.io'], undefined],
    [[], undefined],
  ];
  for (const [offered, want] of cases)
    assert.equal(chooseProtocol(offered, execProtocols), want, offered.join());
});

test('exit statuses carry the code the way kubectl reads it', () => {
  for (const code of [0, 1, 3, 137]) assert.equal(statusExitCode(exitStatus(code)), code);
  assert.equal(statusExitCode({ status: 'Failure', reason: 'InternalError' }), undefined);
  assert.deepEqual(exitStatus(0), { metadata: {}, status: 'Success' });
});

test('SPDY header blocks are a zlib stream of stored blocks any inflater reads', () => {
  const z = new StoredZlibWriter();
  const first = headerBlock({ streamType: 'stdout' });
  const second = headerBlock({ streamtype: 'error', port: '80' });
  const stream = Buffer.concat([z.block(first), z.block(second)]);
  const out = inflateSync(stream, { finishFlush: constants.Z_SYNC_FLUSH });
  assert.deepEqual(out, Buffer.concat([first, second]));
  // Names are lower-cased; lengths are 32-bit.
  assert.deepEqual([...first.subarray(0, 8)], [0, 0, 0, 1, 0, 0, 0, 10]);
  assert.equal(first.subarray(8, 18).toString(), 'streamtype');
  const big = Buffer.alloc(70_000, 7);
  assert.deepEqual(
    inflateSync(new StoredZlibWriter().block(big), { finishFlush: constants.Z_SYNC_FLUSH }),
    big,
  );
});

test('SPDY frames: control and data headers', () => {
  assert.deepEqual(
    [...controlFrame(6, 0, Buffer.from([0, 0, 0, 2]))],
    [0x80, 3, 0, 6, 0, 0, 0, 4, 0, 0, 0, 2],
  );
  assert.deepEqual([...dataFrame(5, 1, Buffer.from('ab'))], [0, 0, 0, 5, 1, 0, 0, 2, 0x61, 0x62]);
});

test('SPDY session: data waits for the reply, FIN ends stdin, server pings are answered', async () => {
  const [client, server] = duplexPair();
  const session = new SpdySession(client);
  const seen: Buffer[] = [];
  server.on('data', (d: Buffer) => seen.push(d));
  const tick = () => new Promise((r) => setImmediate(r));
  const stdin = session.openStream({ streamtype: 'stdin' });
  const stdout = session.openStream({ streamtype: 'stdout' });
  assert.deepEqual([stdin.id, stdout.id], [1, 3]);
  stdin.write(Buffer.from('early'));
  stdin.end();
  await tick();
  const synStreams = Buffer.concat(seen);
  assert.equal(synStreams.readUInt16BE(2), 1, 'SYN_STREAM first');
  assert.ok(!synStreams.includes(Buffer.from('early')), 'no data before SYN_REPLY');
  seen.length = 0;
  // SYN_REPLY for stream 1 (empty header block), then server data + FIN on stream 3, then a ping.
  const reply = Buffer.alloc(4);
  reply.writeUInt32BE(1);
  server.write(controlFrame(2, 0, reply));
  const out: string[] = [];
  let ended = false;
  stdout.on('data', (d: Buffer) => out.push(d.toString()));
  stdout.on('end', () => (ended = true));
  server.write(Buffer.concat([dataFrame(3, 0, Buffer.from('he')), dataFrame(3, 1, Buffer.from('llo'))]));
  server.write(controlFrame(6, 0, Buffer.from([0, 0, 0, 2])));
  await tick();
  await tick();
  assert.deepEqual(out, ['he', 'llo']);
  assert.ok(ended);
  const sent = Buffer.concat(seen);
  assert.deepEqual(
    sent,
    Buffer.concat([
      dataFrame(1, 0, Buffer.from('early')),
      dataFrame(1, 1, Buffer.alloc(0)),
      controlFrame(6, 0, Buffer.from([0, 0, 0, 2])),
    ]),
  );
  let closed = false;
  session.on('close', () => (closed = true));
  server.end();
  await tick();
  await tick();
  assert.ok(closed);
});
