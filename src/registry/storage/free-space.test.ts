import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultSpaceReserve,
  fitsAboveReserve,
  parseSpaceReserve,
  reserveBytes,
  type SpaceReserve,
} from './free-space.ts';

const GiB = 1024 ** 3;

test('parseSpaceReserve reads sizes, percents and both', () => {
  const cases: [string, SpaceReserve][] = [
    ['0', { bytes: 0 }],
    ['1048576', { bytes: 1048576 }],
    ['512Mi', { bytes: 512 * 1024 ** 2 }],
    ['2G', { bytes: 2e9 }],
    ['1.5Gi', { bytes: 1.5 * GiB }],
    ['5%', { percent: 5 }],
    ['1Gi,5%', { bytes: GiB, percent: 5 }],
    ['10% , 100M', { percent: 10, bytes: 1e8 }],
  ];
  for (const [input, want] of cases) assert.deepEqual(parseSpaceReserve(input), want, input);
  for (const bad of ['', 'lots', '-1', '5%,6%', '1G,2G', '101%', '1Qi'])
    assert.throws(() => parseSpaceReserve(bad), /invalid storage reserve/, bad);
});

test('reserveBytes takes the lesser of the parts; the default is 1 GiB or 5%', () => {
  assert.equal(reserveBytes(defaultSpaceReserve, 100 * GiB), GiB);
  assert.equal(reserveBytes(defaultSpaceReserve, 10 * GiB), Math.floor(0.5 * GiB));
  assert.equal(reserveBytes({ percent: 10 }, 1000), 100);
  assert.equal(reserveBytes({ bytes: 7 }, 1000), 7);
  assert.equal(reserveBytes({}, 1000), 0);
});

test('fitsAboveReserve: incoming bytes must leave the reserve free', () => {
  const space = { total: 1000, free: 300 };
  const r = { bytes: 100 };
  const cases: [string, number, boolean][] = [
    ['fits with room to spare', 150, true],
    ['lands exactly on the reserve', 200, true],
    ['one byte into the reserve', 201, false],
    ['more than is free', 400, false],
  ];
  for (const [what, incoming, fits] of cases)
    assert.equal(fitsAboveReserve(space, r, incoming).fits, fits, what);
  assert.equal(fitsAboveReserve({ total: 1000, free: 50 }, r, 0).fits, false, 'already below the reserve');
  assert.equal(
    fitsAboveReserve({ total: 1000, free: 0 }, { bytes: 0 }, 10).fits,
    true,
    'no reserve: ENOSPC decides',
  );
  assert.equal(fitsAboveReserve(undefined, r, 1e12).fits, true, 'a store that cannot tell');
});
