import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { StatusError } from '../../api/errors.ts';
import { rejectCredentials } from './authenticator.ts';
import type { Authenticator } from './authenticator.ts';
import { unionAuthenticator } from './union.ts';
import type { UserInfo } from './user.ts';

const req = (token?: string): IncomingMessage =>
  ({ headers: token ? { authorization: `Bearer ${token}` } : {}, socket: {} }) as unknown as IncomingMessage;

type Behaviour = 'none' | 'user' | 'reject';

function fake(name: string, behaviour: Behaviour, calls: string[]): Authenticator {
  return {
    authenticate: async () => {
      calls.push(name);
      if (behaviour === 'user') return { name, groups: ['system:authenticated'] } satisfies UserInfo;
      if (behaviour === 'reject') throw rejectCredentials(`${name} rejects`);
      return undefined;
    },
  };
}

test('unionAuthenticator', async (t) => {
  const cases: {
    name: string;
    list: Behaviour[];
    token?: string;
    want: string | undefined | 401;
    calls: string[];
  }[] = [
    { name: 'first user wins', list: ['user', 'user'], want: 'a0', calls: ['a0'] },
    {
      name: 'falls through to a later authenticator',
      list: ['none', 'user'],
      token: 't',
      want: 'a1',
      calls: ['a0', 'a1'],
    },
    { name: 'a rejection ends the chain', list: ['reject', 'user'], want: 401, calls: ['a0'] },
    {
      name: 'no credentials, nobody answers: anonymous',
      list: ['none', 'none'],
      want: undefined,
      calls: ['a0', 'a1'],
    },
    {
      name: 'a bearer token nobody recognizes is 401',
      list: ['none', 'none'],
      token: 'junk',
      want: 401,
      calls: ['a0', 'a1'],
    },
    { name: 'empty list, no credentials', list: [], want: undefined, calls: [] },
  ];
  for (const c of cases) {
    await t.test(c.name, async () => {
      const calls: string[] = [];
      const union = unionAuthenticator(c.list.map((b, i) => fake(`a${i}`, b, calls)));
      if (c.want === 401) {
        await assert.rejects(
          union.authenticate(req(c.token)),
          (err: unknown) => err instanceof StatusError && err.code === 401,
        );
      } else {
        assert.equal((await union.authenticate(req(c.token)))?.name, c.want);
      }
      assert.deepEqual(calls, c.calls);
    });
  }
});

test("unionAuthenticator.known is the first authenticator's known user, or nothing", () => {
  const user: UserInfo = { name: 'u', groups: ['system:authenticated'] };
  const knows = (u: UserInfo | undefined): Authenticator => ({
    authenticate: async () => u,
    known: () => u,
  });
  const cases: { list: Authenticator[]; want: string | undefined }[] = [
    { list: [knows(user), knows(undefined)], want: 'u' },
    // A later authenticator's user is not the union's answer: the first one may still reject.
    { list: [knows(undefined), knows(user)], want: undefined },
    { list: [fake('a0', 'user', []), knows(user)], want: undefined },
    { list: [], want: undefined },
  ];
  for (const [i, c] of cases.entries())
    assert.equal(unionAuthenticator(c.list).known?.(req())?.name, c.want, `case ${i}`);
});

test('rejectCredentials keeps the reason out of the wire message', () => {
  const err = rejectCredentials('token expired');
  assert.equal(err.status.message, 'Unauthorized');
  assert.equal(err.status.reason, 'Unauthorized');
  assert.equal(err.cause, 'token expired');
});
