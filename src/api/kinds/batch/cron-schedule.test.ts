import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cronScheduleError, timeZoneError } from './cron-schedule.ts';

describe('cron schedules', () => {
  const valid = [
    '*/5 * * * *',
    '0 0 * * 0',
    '15 3 1-15/2 JAN,jun-aug MON-FRI',
    '0 12 ? * sun',
    '5/15 * * * *',
    '59 23 31 12 6',
    '@hourly',
    '@daily',
    '0 0 * * 7',
    '0 12 * * 5-7',
  ];
  for (const s of valid)
    it(`accepts ${JSON.stringify(s)}`, () => assert.equal(cronScheduleError(s), undefined));

  const invalid: [string, RegExp][] = [
    ['', /empty spec string/],
    ['* * * *', /expected exactly 5 fields, found 4/],
    ['* * * * * *', /expected exactly 5 fields, found 6/],
    ['60 * * * *', /end of range \(60\) above maximum \(59\)/],
    ['* 24 * * *', /above maximum \(23\)/],
    ['* * 0 * *', /beginning of range \(0\) below minimum \(1\)/],
    ['* * * 13 *', /above maximum \(12\)/],
    ['* * * * 8', /above maximum \(7\)/],
    ['5-1 * * * *', /beginning of range \(5\) beyond end of range \(1\)/],
    ['*/0 * * * *', /step of range should be a positive number/],
    ['1-2-3 * * * *', /too many hyphens/],
    ['*/2/3 * * * *', /too many slashes/],
    ['x * * * *', /failed to parse int from x/],
    ['* * * FOO *', /failed to parse int from FOO/],
    ['@fortnightly', /unrecognized descriptor/],
    ['@every 1h30m', /@every is not supported/],
    ['@reboot', /@reboot is not supported/],
  ];
  for (const [s, re] of invalid)
    it(`rejects ${JSON.stringify(s)}`, () => assert.match(cronScheduleError(s) ?? '', re));
});

describe('time zones', () => {
  for (const z of ['UTC', 'Etc/UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata'])
    it(`accepts ${z}`, () => assert.equal(timeZoneError(z), undefined));
  const bad: [string, RegExp][] = [
    ['', /non-empty/],
    ['Local', /explicit time zone/],
    ['Mars/Olympus_Mons', /unknown time zone/],
    ['america/new_york', /unknown time zone/],
    ['Europe/Berlin ', /unknown time zone/],
  ];
  for (const [z, re] of bad)
    it(`rejects ${JSON.stringify(z)}`, () => assert.match(timeZoneError(z) ?? '', re));
});
