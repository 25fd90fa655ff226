import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenFile, parseCsvLine, parseTokenFile, tokenFileAuthenticator } from './token-file.ts';

const req = (authorization?: string): IncomingMessage =>
  ({ headers: authorization ? { authorization } : {}, socket: {} }) as unknown as IncomingMessage;

test('parseCsvLine', () => {
  const cases: [string, string[]][] = [
    ['a,b,c', ['a', 'b', 'c']],
    ['a,b,c,"g1,g2"', ['a', 'b', 'c', 'g1,g2']],
    ['a,,c', ['a', '', 'c']],
    ['"say ""hi""",b', ['say "hi"', 'b']],
  ];
  for (const [line, want] of cases) assert.deepEqual(parseCsvLine(line), want, line);
  assert.throws(() => parseCsvLine('a,"b'), /unterminated/);
});

test('parseTokenFile', () => {
  const text = [
    '# comment',
    '',
    'tok1,alice,uid-1,"dev,ops"',
    'tok2,bob,,',
    'tok3,carol,uid-3,"system:authenticated, extra ",ignored',
  ].join('\n');
  const tokens = parseTokenFile(text);
  assert.deepEqual(
    tokens.map((t) => [t.token, t.user]),
    [
      ['tok1', { name: 'alice', uid: 'uid-1', groups: ['dev', 'ops', 'system:authenticated'] }],
      ['tok2', { name: 'bob', groups: ['system:authenticated'] }],
      ['tok3', { name: 'carol', uid: 'uid-3', groups: ['system:authenticated', 'extra'] }],
    ],
  );
  const bad: [string, RegExp][] = [
    ['tok,alice', /line 1: needs at least 3 columns/],
    ['ok,a,b\n,bob,uid', /line 2: empty token/],
    ['tok,,uid', /empty user name/],
    ['tok,a,b,"g1', /unterminated/],
  ];
  for (const [input, want] of bad) assert.throws(() => parseTokenFile(input), want, input);
});

test('tokenFileAuthenticator', async () => {
  const authn = tokenFileAuthenticator(parseTokenFile('secret-a,alice,1,"dev"\nsecret-b,bob,2,'));
  const cases: [string, string | undefined, string | undefined][] = [
    ['no credentials', undefined, undefined],
    ['known token', 'Bearer secret-a', 'alice'],
    ['second token', 'Bearer secret-b', 'bob'],
    ['unknown token is left to others', 'Bearer secret-c', undefined],
    ['prefix of a token', 'Bearer secret-', undefined],
  ];
  for (const [name, header, want] of cases) {
    const user = await authn.authenticate(req(header));
    assert.equal(user?.name, want, name);
  }
  const alice = await authn.authenticate(req('Bearer secret-a'));
  assert.deepEqual(alice, { name: 'alice', uid: '1', groups: ['dev', 'system:authenticated'] });
  assert.ok(Object.isFrozen(alice) && Object.isFrozen(alice?.groups), 'shared user is frozen');
});

test('loadTokenFile reads from disk', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-tokens-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'tokens.csv');
  await writeFile(file, 't,u,1,"g"\n');
  assert.deepEqual((await loadTokenFile(file))[0].user.groups, ['g', 'system:authenticated']);
});
