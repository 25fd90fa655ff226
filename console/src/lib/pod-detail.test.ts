import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendLog, containerNames, containerState, logFileName, logQuery } from './pod-detail.ts';

test('containerState: each state as a word and a detail', () => {
  const cases: [Parameters<typeof containerState>[0], { state: string; detail: string }][] = [
    [undefined, { state: '-', detail: '' }],
    [
      { running: { startedAt: '2025-01-01T00:00:00Z' } },
      { state: 'Running', detail: 'since 2025-01-01T00:00:00Z' },
    ],
    [
      { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } },
      { state: 'CrashLoopBackOff', detail: 'back-off 10s' },
    ],
    [{ waiting: {} }, { state: 'Waiting', detail: '' }],
    [
      { terminated: { reason: 'Error', exitCode: 3, finishedAt: '2025-01-01T00:00:05Z' } },
      { state: 'Error', detail: 'exit code 3, at 2025-01-01T00:00:05Z' },
    ],
    [
      { terminated: { exitCode: 137, signal: 9 } },
      { state: 'Terminated', detail: 'exit code 137, signal 9' },
    ],
  ];
  for (const [input, want] of cases) assert.deepEqual(containerState(input), want);
});

test('containerNames: main containers, then init containers', () => {
  const pod = {
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'web' }, { name: 'side' }], initContainers: [{ name: 'setup' }] },
  };
  assert.deepEqual(containerNames(pod), [
    { name: 'web', init: false },
    { name: 'side', init: false },
    { name: 'setup', init: true },
  ]);
  assert.deepEqual(containerNames({ metadata: { name: 'p' } }), []);
});

test('logQuery leaves absent options out; logFileName', () => {
  assert.deepEqual(logQuery({ container: 'web' }), {
    container: 'web',
    follow: undefined,
    previous: undefined,
    tailLines: undefined,
    timestamps: undefined,
  });
  assert.deepEqual(
    logQuery({ container: 'web', follow: true, previous: true, tailLines: 0, timestamps: true }),
    {
      container: 'web',
      follow: 'true',
      previous: 'true',
      tailLines: '0',
      timestamps: 'true',
    },
  );
  assert.equal(logFileName('web-1', 'app', false), 'web-1-app.log');
  assert.equal(logFileName('web-1', 'app', true), 'web-1-app-previous.log');
});

test('appendLog joins partial lines and keeps at most max lines', () => {
  let lines: string[] = [];
  lines = appendLog(lines, 'a\nb', 10);
  assert.deepEqual(lines, ['a', 'b']);
  lines = appendLog(lines, 'c\nd\n', 10);
  assert.deepEqual(lines, ['a', 'bc', 'd', '']);
  assert.equal(appendLog(lines, '', 10), lines);
  lines = appendLog(lines, 'e\nf\ng\n', 3);
  assert.deepEqual(lines, ['e', 'f', 'g', '']);
});
