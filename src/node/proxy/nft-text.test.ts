import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diffTransaction, fullTransaction, type DiffSummary } from './nft-text.ts';
import { chainNames, renderRuleset } from './ruleset.ts';
import { ep, port, state } from './testdata.ts';

const lines = (text: string): string[] => text.split('\n').filter(Boolean);
const idx = (ls: string[], re: RegExp): number => ls.findIndex((l) => re.test(l));

describe('nft transactions', () => {
  const web = port({ nodePort: 30080 });
  const n = chainNames(web);
  const a = renderRuleset(state([web]));

  test('full: table replaced, then sets and chains before rules, rules before elements', () => {
    const ls = lines(fullTransaction(a));
    assert.deepEqual(ls.slice(0, 3), ['add table ip berth', 'delete table ip berth', 'add table ip berth']);
    const firstRule = idx(ls, /^add rule /);
    assert.ok(idx(ls, /^add map ip berth service-ips /) < firstRule);
    assert.ok(idx(ls, new RegExp(`^add chain ip berth ${n.svc.replace(/[/.]/g, '\\$&')}$`)) < firstRule);
    assert.ok(firstRule < idx(ls, /^add element ip berth service-ips /));
    assert.ok(ls.includes(`add rule ip berth nat-prerouting jump services`));
  });

  test('no change, no transaction', () => {
    assert.equal(diffTransaction(a, renderRuleset(state([web]))), '');
  });

  test('an endpoint change of a plain port is element changes only; its external chain is refilled', () => {
    const other = port({
      id: 'default/api/tcp/http',
      name: 'api',
      clusterIP: '10.96.0.20',
      endpoints: [ep('10.244.3.3')],
    });
    const before = renderRuleset(state([web, other]));
    const after = renderRuleset(state([{ ...web, endpoints: [ep('10.244.1.10')] }, other]));
    const summary: DiffSummary = { chainsWritten: 0, chainsDeleted: 0, elementsAdded: 0, elementsDeleted: 0 };
    const ls = lines(diffTransaction(before, after, { summary }));
    const flushed = ls.filter((l) => l.startsWith('flush chain')).map((l) => l.split(' ')[4]);
    assert.deepEqual(flushed, [n.ext]);
    assert.ok(!ls.some((l) => l.includes('10.96.0.20')), 'untouched service not rewritten');
    assert.deepEqual(ls.filter((l) => l.includes('element')).sort(), [
      'add element ip berth service-ips { 10.96.0.10 . tcp . 80 : goto pick-1 }',
      'delete element ip berth hairpin-pairs { 10.244.2.11 . 10.244.2.11 }',
      'delete element ip berth service-backends { 10.96.0.10 . tcp . 80 . 1 }',
      'delete element ip berth service-ips { 10.96.0.10 . tcp . 80 }',
    ]);
    assert.deepEqual(summary, { chainsWritten: 1, chainsDeleted: 0, elementsAdded: 1, elementsDeleted: 3 });
  });

  test('an endpoint change with one chain per port flushes and refills only the chains it touches', () => {
    const other = port({
      id: 'default/api/tcp/http',
      name: 'api',
      clusterIP: '10.96.0.20',
      endpoints: [ep('10.244.3.3')],
    });
    const chains = { sharedPickMax: 0 };
    const before = renderRuleset(state([web, other], chains));
    const after = renderRuleset(state([{ ...web, endpoints: [ep('10.244.1.10')] }, other], chains));
    const summary: DiffSummary = { chainsWritten: 0, chainsDeleted: 0, elementsAdded: 0, elementsDeleted: 0 };
    const ls = lines(diffTransaction(before, after, { summary }));
    const flushed = ls.filter((l) => l.startsWith('flush chain')).map((l) => l.split(' ')[4]);
    assert.deepEqual(flushed.sort(), [n.ext, n.svc].sort());
    assert.ok(!ls.some((l) => l.includes(chainNames(other).svc)), 'untouched service not rewritten');
    assert.deepEqual(
      ls.filter((l) => l.includes('element')),
      ['delete element ip berth hairpin-pairs { 10.244.2.11 . 10.244.2.11 }'],
    );
    assert.deepEqual(summary, { chainsWritten: 2, chainsDeleted: 0, elementsAdded: 0, elementsDeleted: 1 });
  });

  test('growing past the shared limit: the chain is made before the element points at it', () => {
    const small = { sharedPickMax: 2 };
    const three = { ...web, endpoints: [...web.endpoints, ep('10.244.1.20')] };
    const ls = lines(
      diffTransaction(renderRuleset(state([web], small)), renderRuleset(state([three], small))),
    );
    const made = idx(ls, new RegExp(`^add chain ip berth svc-`));
    const pointed = idx(ls, /^add element ip berth service-ips \{ 10\.96\.0\.10 \. tcp \. 80 : goto svc-/);
    assert.ok(made >= 0 && made < pointed, ls.join('\n'));
    assert.ok(
      ls.includes(
        'delete element ip berth service-backends { 10.96.0.10 . tcp . 80 . 0, 10.96.0.10 . tcp . 80 . 1 }',
      ),
    );
    const back = lines(
      diffTransaction(renderRuleset(state([three], small)), renderRuleset(state([web], small))),
    );
    const repointed = idx(
      back,
      /^add element ip berth service-ips \{ 10\.96\.0\.10 \. tcp \. 80 : goto pick-2 \}$/,
    );
    const deleted = idx(back, /^delete chain ip berth svc-/);
    assert.ok(repointed >= 0 && repointed < deleted, back.join('\n'));
  });

  test('a removed service: elements go first, then its chains are flushed and deleted', () => {
    const ls = lines(diffTransaction(a, renderRuleset(state([]))));
    const delElem = idx(ls, /^delete element ip berth service-ips \{ 10\.96\.0\.10 \. tcp \. 80 \}$/);
    const flush = idx(ls, new RegExp(`^flush chain ip berth ext-`));
    const del = idx(ls, new RegExp(`^delete chain ip berth ext-`));
    assert.ok(delElem >= 0 && delElem < flush && flush < del, ls.join('\n'));
    assert.ok(ls.includes('delete element ip berth service-nodeports { tcp . 30080 }'));
  });

  test('a new service: chains created before the elements that name them', () => {
    const ls = lines(diffTransaction(renderRuleset(state([])), a));
    assert.ok(idx(ls, /^add chain ip berth ext-/) < idx(ls, /^add element ip berth service-nodeports/));
    assert.ok(!ls.some((l) => l.startsWith('flush')));
  });

  test('a changed verdict for one key: deleted, then added', () => {
    const b = renderRuleset(state([{ ...web, loadBalancerIPs: ['172.31.0.1'] }]));
    const c = renderRuleset(
      state([{ ...web, loadBalancerIPs: ['172.31.0.1'], loadBalancerSourceRanges: ['10.0.0.0/8'] }]),
    );
    const ls = lines(diffTransaction(b, c));
    assert.ok(ls.includes('delete element ip berth service-ips { 172.31.0.1 . tcp . 80 }'));
    assert.ok(ls.includes(`add element ip berth service-ips { 172.31.0.1 . tcp . 80 : goto ${n.fw} }`));
  });

  test('affinity: sets created with the service, deleted after the chains that use them are flushed', () => {
    const sticky = renderRuleset(state([{ ...web, affinitySeconds: 60 }]));
    const up = lines(diffTransaction(a, sticky));
    assert.ok(idx(up, /^add set ip berth aff-.*timeout 60s/) < idx(up, /^add rule .*@aff-/));
    const down = lines(diffTransaction(sticky, a));
    assert.ok(idx(down, /^flush chain ip berth svc-/) < idx(down, /^delete set ip berth aff-/));
  });

  test('rewriteAll: every chain flushed and refilled, plain sets flushed, affinity sets kept', () => {
    const sticky = renderRuleset(state([{ ...web, affinitySeconds: 60 }]));
    const ls = lines(diffTransaction(sticky, sticky, { rewriteAll: true }));
    assert.ok(!ls.some((l) => l.startsWith('delete table')));
    assert.ok(ls.includes(`flush chain ip berth ${n.svc}`));
    assert.ok(ls.includes('flush chain ip berth pick-2'));
    assert.ok(ls.includes('flush map ip berth service-backends'));
    assert.ok(ls.includes('flush map ip berth service-ips'));
    assert.ok(!ls.some((l) => /^flush set ip berth aff-/.test(l)));
    assert.ok(
      ls.some((l) => /^add set ip berth aff-/.test(l)),
      'idempotent add keeps it',
    );
  });
});
