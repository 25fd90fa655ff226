import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diffTransaction } from './nft-text.ts';
import { patchOf, renderCache, renderRuleset, type Ruleset } from './ruleset.ts';
import { ep, port, state } from './testdata.ts';
import type { ServicePortInfo } from './types.ts';

/** A copy nothing is registered for, so diffTransaction takes its whole-table path. */
const unpatched = (rs: Ruleset): Ruleset => ({ ...rs });
const sorted = (text: string): string[] => text.split('\n').filter(Boolean).sort();

const web = port();
const api = port({
  id: 'default/api/tcp/http',
  name: 'api',
  clusterIP: '10.96.0.20',
  endpoints: [ep('10.244.3.3')],
});
const db = port({
  id: 'default/db/tcp/sql',
  name: 'db',
  clusterIP: '10.96.0.30',
  endpoints: [ep('10.244.1.10')],
});

/** Each case: the ports before, the ports after, and whether the second render may be a patch. */
const cases: { name: string; before: ServicePortInfo[]; after: ServicePortInfo[]; patched: boolean }[] = [
  {
    name: 'an endpoint removed',
    before: [web, api],
    after: [{ ...web, endpoints: [ep('10.244.1.10')] }, api],
    patched: true,
  },
  {
    name: 'an endpoint added',
    before: [web, api],
    after: [web, { ...api, endpoints: [ep('10.244.3.3'), ep('10.244.3.4')] }],
    patched: true,
  },
  { name: 'a service added', before: [web], after: [web, api], patched: true },
  { name: 'a service removed', before: [web, api], after: [api], patched: true },
  { name: 'no endpoints left', before: [web, api], after: [{ ...web, endpoints: [] }, api], patched: true },
  {
    name: 'affinity turned on (new sets)',
    before: [web, api],
    after: [{ ...web, affinitySeconds: 30 }, api],
    patched: true,
  },
  {
    name: 'affinity turned off (sets deleted)',
    before: [{ ...web, affinitySeconds: 30 }, api],
    after: [web, api],
    patched: true,
  },
  { name: 'a NodePort added', before: [web, api], after: [{ ...web, nodePort: 30080 }, api], patched: true },
  { name: 'a hairpin pair shared by two services loses one', before: [web, db], after: [web], patched: true },
  { name: 'a hairpin pair shared by two services gains one', before: [web], after: [web, db], patched: true },
  {
    name: 'two services claim one address (first by id wins)',
    before: [web, api],
    after: [web, api, { ...db, clusterIP: '10.96.0.10', port: 80 }],
    patched: false,
  },
  {
    name: 'the winner of a shared address goes (the other takes over)',
    before: [web, { ...db, clusterIP: '10.96.0.10', port: 80 }],
    after: [web],
    patched: false,
  },
  {
    name: 'source ranges put a firewall chain in front of a load-balancer address',
    before: [{ ...web, loadBalancerIPs: ['172.31.0.5'] }],
    after: [{ ...web, loadBalancerIPs: ['172.31.0.5'], loadBalancerSourceRanges: ['192.0.2.0/24'] }],
    patched: true,
  },
];

/** Shared dispatch (the default), one chain per port, and a limit the cases cross. */
const layouts = [{}, { sharedPickMax: 0 }, { sharedPickMax: 1 }];

describe('patched renders', () => {
  for (const layout of layouts)
    for (const c of cases) {
      test(`${c.name} ${JSON.stringify(layout)}`, () => {
        const cache = renderCache();
        const prev = renderRuleset(state(c.before, layout), cache);
        const next = renderRuleset(state(c.after, layout), cache);
        assert.deepEqual(next, renderRuleset(state(c.after, layout)), 'same ruleset as a whole render');
        assert.equal(patchOf(next) !== undefined, c.patched);
        assert.deepEqual(
          sorted(diffTransaction(prev, next)),
          sorted(diffTransaction(prev, unpatched(next))),
          'same transaction as a whole diff',
        );
        // The earlier render is left as it was: it is what the kernel holds until the apply succeeds.
        assert.deepEqual(prev, renderRuleset(state(c.before, layout)));
      });
    }

  test('a chain of patches stays equal to whole renders', () => {
    const cache = renderCache();
    const many = Array.from({ length: 40 }, (_, i) =>
      port({
        id: `ns/s${i}/tcp/http`,
        name: `s${i}`,
        clusterIP: `10.96.1.${i}`,
        endpoints: [ep(`10.244.1.${i}`)],
      }),
    );
    let prev = renderRuleset(state(many), cache);
    for (let r = 0; r < 30; r++) {
      const i = (r * 7) % many.length;
      const cur = many[i]!;
      many[i] = {
        ...cur,
        endpoints: r % 2 ? [ep(`10.244.1.${i}`)] : [ep(`10.244.1.${i}`), ep(`10.244.2.${r}`)],
      };
      const next = renderRuleset(state(many), cache);
      assert.ok(patchOf(next), `render ${r} is patched`);
      assert.deepEqual(next, renderRuleset(state(many)));
      assert.deepEqual(sorted(diffTransaction(prev, next)), sorted(diffTransaction(prev, unpatched(next))));
      prev = next;
    }
  });

  test('changed settings or a periodic rewrite take the whole path', () => {
    const cache = renderCache();
    const prev = renderRuleset(state([web, api]), cache);
    const next = renderRuleset(state([web, api], { nodeIPs: ['192.168.77.9'] }), cache);
    assert.equal(patchOf(next), undefined);
    const again = renderRuleset(
      state([{ ...web, endpoints: [] }, api], { nodeIPs: ['192.168.77.9'] }),
      cache,
    );
    assert.ok(patchOf(again));
    assert.deepEqual(
      sorted(diffTransaction(next, again, { rewriteAll: true })),
      sorted(diffTransaction(next, unpatched(again), { rewriteAll: true })),
    );
    assert.notEqual(diffTransaction(prev, again), '');
  });
});
