import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { bearerToken } from './bearer.ts';

const req = (headers: Record<string, string>): IncomingMessage =>
  ({ headers, socket: {} }) as unknown as IncomingMessage;
const wsProto = (token: string): string =>
  `base64url.bearer.authorization.k8s.io.${Buffer.from(token).toString('base64url')}`;

test('bearerToken', () => {
  const cases: [string, Record<string, string>, string | undefined][] = [
    ['none', {}, undefined],
    ['Bearer', { authorization: 'Bearer abc.def' }, 'abc.def'],
    ['lower-case scheme', { authorization: 'bearer abc' }, 'abc'],
    ['extra spaces', { authorization: '  Bearer   abc  ' }, 'abc'],
    ['empty token', { authorization: 'Bearer ' }, undefined],
    ['two words', { authorization: 'Bearer a b' }, undefined],
    ['basic auth is not a bearer token', { authorization: 'Basic dXNlcjpwYXNz' }, undefined],
    [
      'websocket subprotocol',
      { 'sec-websocket-protocol': `v5.channel.k8s.io, ${wsProto('tok-1')}` },
      'tok-1',
    ],
    [
      'header wins over subprotocol',
      { authorization: 'Bearer h', 'sec-websocket-protocol': wsProto('w') },
      'h',
    ],
  ];
  for (const [name, headers, want] of cases) assert.equal(bearerToken(req(headers)), want, name);
});
