import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, appendFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  logLines,
  parseCriLogLine,
  parseLogQuery,
  parseTime,
  selectLines,
  type LogOptions,
} from './cri-log.ts';
import { readContainerLog } from './log-reader.ts';

const b = (s: string) => Buffer.from(s);

test('parseCriLogLine reads time, stream, partial tag and message', () => {
  const cases: [string, { time: string; stream: string; partial: boolean; message: string } | undefined][] = [
    [
      '2024-05-01T10:00:00.123456789Z stdout F hello world',
      { time: '2024-05-01T10:00:00.123456789Z', stream: 'stdout', partial: false, message: 'hello world' },
    ],
    [
      '2024-05-01T10:00:00.1Z stderr P part',
      { time: '2024-05-01T10:00:00.1Z', stream: 'stderr', partial: true, message: 'part' },
    ],
    [
      '2024-05-01T10:00:00Z stdout F',
      { time: '2024-05-01T10:00:00Z', stream: 'stdout', partial: false, message: '' },
    ],
    [
      '2024-05-01T10:00:00Z stdout F  two  spaces ',
      { time: '2024-05-01T10:00:00Z', stream: 'stdout', partial: false, message: ' two  spaces ' },
    ],
    [
      '2024-05-01T12:00:00.5+02:00 stdout F tz',
      { time: '2024-05-01T12:00:00.5+02:00', stream: 'stdout', partial: false, message: 'tz' },
    ],
    ['2024-05-01T10:00:00Z stdin F nope', undefined],
    ['garbage', undefined],
    ['', undefined],
  ];
  for (const [line, want] of cases) {
    const got = parseCriLogLine(b(line));
    assert.deepEqual(
      got && { time: got.time, stream: got.stream, partial: got.partial, message: got.message.toString() },
      want,
      line,
    );
  }
});

test('parseTime keeps sub-millisecond digits and zones', () => {
  assert.equal(parseTime('2024-05-01T10:00:00.123456789Z'), Date.UTC(2024, 4, 1, 10) + 123.456789);
  assert.equal(parseTime('2024-05-01T12:00:00+02:00'), Date.UTC(2024, 4, 1, 10));
  assert.ok(Number.isNaN(parseTime('yesterday')));
});

const file = [
  '2024-05-01T10:00:01Z stdout F one',
  '2024-05-01T10:00:02Z stdout P tw',
  '2024-05-01T10:00:02.5Z stderr F err',
  '2024-05-01T10:00:03Z stdout P o-',
  '2024-05-01T10:00:04Z stdout F two',
  '2024-05-01T10:00:05Z stdout F three',
  '2024-05-01T10:00:06Z stdout P unfinished',
  '2024-05-01T10:00:07Z stdout F',
].join('\n');

test('logLines joins partial entries per stream and leaves an unfinished line out', () => {
  const lines = logLines(b(`${file}\n2024-05-01T10:00:08Z stdout F half`));
  assert.deepEqual(
    lines.map((l) => [l.time, l.stream, l.text.toString()]),
    [
      ['2024-05-01T10:00:01Z', 'stdout', 'one\n'],
      ['2024-05-01T10:00:02.5Z', 'stderr', 'err\n'],
      ['2024-05-01T10:00:02Z', 'stdout', 'two-two\n'],
      ['2024-05-01T10:00:05Z', 'stdout', 'three\n'],
      ['2024-05-01T10:00:06Z', 'stdout', 'unfinished\n'],
    ],
  );
});

test('selectLines applies since, then tail', () => {
  const lines = logLines(b(`${file}\n`));
  const text = (o: Parameters<typeof selectLines>[1]) =>
    selectLines(lines, o).map((l) => l.text.toString().trim());
  assert.deepEqual(text({ tailLines: 2 }), ['three', 'unfinished']);
  assert.deepEqual(text({ tailLines: 0 }), []);
  assert.deepEqual(text({ sinceMs: Date.UTC(2024, 4, 1, 10, 0, 2, 500) }), ['err', 'three', 'unfinished']);
  assert.deepEqual(text({ sinceMs: Date.UTC(2024, 4, 1, 10, 0, 2, 500), tailLines: 1 }), ['unfinished']);
});

test('parseLogQuery reads the kubelet query and refuses bad values', () => {
  const now = Date.UTC(2024, 0, 1);
  const q = (s: string) => parseLogQuery(new URLSearchParams(s), now);
  assert.deepEqual(q('follow=true&tailLines=5&timestamps=1&limitBytes=10'), {
    follow: true,
    previous: false,
    timestamps: true,
    tailLines: 5,
    limitBytes: 10,
  } satisfies LogOptions);
  assert.equal(q('sinceSeconds=60').sinceMs, now - 60_000);
  assert.equal(q('sinceTime=2023-12-31T23:59:00Z').sinceMs, now - 60_000);
  for (const bad of [
    'tailLines=x',
    'limitBytes=0',
    'sinceSeconds=0',
    'sinceSeconds=5&sinceTime=2023-12-31T23:59:00Z',
    'sinceTime=later',
  ])
    assert.throws(() => q(bad), Error, bad);
});

test('readContainerLog: timestamps, limitBytes, and follow across rotation until the container stops', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crilog-'));
  try {
    const path = join(dir, '0.log');
    writeFileSync(path, `${file}\n`);
    const opts = (o: Partial<LogOptions> = {}): LogOptions => ({
      follow: false,
      previous: false,
      timestamps: false,
      ...o,
    });
    const read = async (o: LogOptions, running?: () => boolean) => {
      const out: Buffer[] = [];
      await readContainerLog(path, o, async (c) => void out.push(c), {
        isRunning: async () => running?.() ?? false,
        signal: new AbortController().signal,
        pollMs: 5,
        runningCheckMs: 5,
      });
      return Buffer.concat(out).toString();
    };
    assert.equal(await read(opts({ tailLines: 1, timestamps: true })), '2024-05-01T10:00:06Z unfinished\n');
    assert.equal(await read(opts({ limitBytes: 6 })), 'one\ner');
    // Follow: new lines, then the file rotated (renamed + a new one), then the container stops.
    let running = true;
    // tailLines 1 prints the last line at once: seeing it means the follower has read the file to
    // its end, so what is appended next is new to it (no sleep to guess that on a loaded machine).
    const seen: Buffer[] = [];
    let started!: () => void;
    const following = new Promise<void>((r) => (started = r));
    const done = readContainerLog(
      path,
      opts({ follow: true, tailLines: 1 }),
      async (c) => {
        seen.push(c);
        started();
      },
      { isRunning: async () => running, signal: new AbortController().signal, pollMs: 5, runningCheckMs: 5 },
    );
    await following;
    appendFileSync(path, '2024-05-01T10:00:09Z stdout F appended\n');
    await new Promise((r) => setTimeout(r, 100));
    appendFileSync(path, '2024-05-01T10:00:10Z stdout F last-in-old\n');
    renameSync(path, `${path}.20240501-100010`);
    writeFileSync(path, '2024-05-01T10:00:11Z stdout F in-new\n');
    await new Promise((r) => setTimeout(r, 100));
    appendFileSync(path, '2024-05-01T10:00:12Z stdout F final\n');
    running = false;
    await done;
    assert.equal(Buffer.concat(seen).toString(), 'unfinished\nappended\nlast-in-old\nin-new\nfinal\n');
    // A missing file is an empty log.
    assert.equal(await readContainerLog(join(dir, 'none.log'), opts(), async () => assert.fail()), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
