/**
 * Rulesets as `nft -f` input. `fullTransaction` replaces the table wholesale (start-up, recovery);
 * `diffTransaction` rewrites only what changed between two Rulesets: new chains and sets are
 * created, changed chains are flushed and refilled, removed ones are flushed and deleted, and map
 * and set elements are added or deleted by key. With `rewriteAll` every chain and element is written
 * again while the table and its dynamic (affinity) sets stay, which is the periodic full resync.
 * Either way the text is one file, so nft applies it as one atomic transaction.
 *
 * Order inside a transaction matters: sets and chains must exist before rules and elements name
 * them, and a chain can only be deleted once no element or rule points at it any more.
 */
import { patchOf, type ChainDef, type RenderPatch, type Ruleset, type SetDef } from './ruleset.ts';

/** Elements per `add element` line; keeps lines reasonable without costing nft a parse per element. */
const elementChunk = 500;

function sameChain(a: ChainDef, b: ChainDef): boolean {
  if (a === b) return true;
  if (a.spec !== b.spec || a.rules.length !== b.rules.length) return false;
  for (let i = 0; i < a.rules.length; i++) if (a.rules[i] !== b.rules[i]) return false;
  return true;
}

const sameSet = (a: SetDef, b: SetDef): boolean => a.kind === b.kind && a.spec === b.spec;

function elementLines(out: string[], verb: 'add' | 'delete', t: string, set: string, items: string[]): void {
  for (let i = 0; i < items.length; i += elementChunk)
    out.push(`${verb} element ${t} ${set} { ${items.slice(i, i + elementChunk).join(', ')} }`);
}

function chainLines(out: string[], t: string, name: string, def: ChainDef): void {
  for (const r of def.rules) out.push(`add rule ${t} ${name} ${r}`);
}

const empty = (table: string): Ruleset => ({
  table,
  chains: new Map(),
  sets: new Map(),
  elements: new Map(),
});

/** The whole table from nothing: whatever was there (even a foreign or broken copy) is dropped. */
export function fullTransaction(next: Ruleset, summary?: DiffSummary): string {
  const t = `ip ${next.table}`;
  // "add" first so "delete" cannot fail on a missing table.
  return `add table ${t}\ndelete table ${t}\n` + diffTransaction(empty(next.table), next, { summary });
}

/** What the transaction changes, for logs and tests. */
export interface DiffSummary {
  chainsWritten: number;
  chainsDeleted: number;
  elementsAdded: number;
  elementsDeleted: number;
}

/**
 * The transaction taking the kernel from `prev` (what the last successful sync applied) to `next`.
 * Returns '' when nothing changed. `summary`, when given, is filled in.
 */
export function diffTransaction(
  prev: Ruleset,
  next: Ruleset,
  opts: { rewriteAll?: boolean; summary?: DiffSummary } = {},
): string {
  const t = `ip ${next.table}`;
  const all = opts.rewriteAll === true;
  const sum: DiffSummary = opts.summary ?? {
    chainsWritten: 0,
    chainsDeleted: 0,
    elementsAdded: 0,
    elementsDeleted: 0,
  };
  const patch = all ? undefined : patchOf(next);
  if (patch && patch.base === prev) return diffPatched(prev, next, patch, sum);
  const create: string[] = [];
  const delElems: string[] = [];
  const flush: string[] = [];
  const fill: string[] = [];
  const addElems: string[] = [];
  const delChains: string[] = [];
  const delSets: string[] = [];

  if (prev.chains.size === 0 || all) create.push(`add table ${t}`);

  // Sets whose definition changed are recreated: deleted at the end, so a changed definition needs a
  // new name (affinity sets carry their timeout in the name for this reason).
  for (const [name, def] of next.sets) {
    const old = prev.sets.get(name);
    if (!old || all) create.push(`add ${def.kind} ${t} ${name} ${def.spec}`);
    else if (!sameSet(old, def)) throw new Error(`set ${name} changed definition; use a full transaction`);
  }
  for (const [name, def] of next.chains) {
    if (!prev.chains.has(name) || all) create.push(`add chain ${t} ${name}${def.spec ? ' ' + def.spec : ''}`);
  }

  for (const [set, elems] of next.elements) {
    const before = prev.elements.get(set);
    if (all) {
      flush.push(`flush ${next.sets.get(set)?.kind ?? 'set'} ${t} ${set}`);
      elementLines(addElems, 'add', t, set, [...elems.values()]);
      sum.elementsAdded += elems.size;
      continue;
    }
    const gone: string[] = [];
    const added: string[] = [];
    if (before) {
      for (const [key, text] of before) {
        const now = elems.get(key);
        if (now === undefined || now !== text) gone.push(key);
      }
    }
    for (const [key, text] of elems) if (before?.get(key) !== text) added.push(text);
    elementLines(delElems, 'delete', t, set, gone);
    elementLines(addElems, 'add', t, set, added);
    sum.elementsDeleted += gone.length;
    sum.elementsAdded += added.length;
  }
  // Elements of sets that disappear go with the set; elements of kept sets whose chain goes were
  // deleted above because the chain name is part of the element text.

  for (const [name, def] of next.chains) {
    const old = prev.chains.get(name);
    if (old && !all && sameChain(old, def)) continue;
    if (old || all) flush.push(`flush chain ${t} ${name}`);
    chainLines(fill, t, name, def);
    sum.chainsWritten++;
  }
  for (const name of prev.chains.keys()) {
    if (next.chains.has(name)) continue;
    flush.push(`flush chain ${t} ${name}`);
    delChains.push(`delete chain ${t} ${name}`);
    sum.chainsDeleted++;
  }
  for (const [name, def] of prev.sets) {
    if (!next.sets.has(name)) delSets.push(`delete ${def.kind} ${t} ${name}`);
  }

  const changed =
    all ||
    create.length + delElems.length + fill.length + addElems.length + delChains.length + delSets.length > 0;
  if (!changed) return '';
  const lines = [...create, ...delElems, ...flush, ...fill, ...addElems, ...delChains, ...delSets];
  return lines.join('\n') + '\n';
}

/**
 * diffTransaction for a `next` patched from `prev` (see renderRuleset): the same transaction, from
 * looking only at the chains, sets and element keys the patch touched instead of the whole table.
 */
function diffPatched(prev: Ruleset, next: Ruleset, patch: RenderPatch, sum: DiffSummary): string {
  const t = `ip ${next.table}`;
  const create: string[] = [];
  const delElems: string[] = [];
  const flush: string[] = [];
  const fill: string[] = [];
  const addElems: string[] = [];
  const delChains: string[] = [];
  const delSets: string[] = [];
  if (prev.chains.size === 0) create.push(`add table ${t}`);
  for (const name of patch.sets) {
    const def = next.sets.get(name);
    const old = prev.sets.get(name);
    if (def && !old) create.push(`add ${def.kind} ${t} ${name} ${def.spec}`);
    else if (def && old && !sameSet(old, def))
      throw new Error(`set ${name} changed definition; use a full transaction`);
    else if (!def && old) delSets.push(`delete ${old.kind} ${t} ${name}`);
  }
  for (const name of patch.chains) {
    const def = next.chains.get(name);
    if (def && !prev.chains.has(name)) create.push(`add chain ${t} ${name}${def.spec ? ' ' + def.spec : ''}`);
  }
  for (const [set, keys] of patch.elements) {
    const before = prev.elements.get(set);
    const now = next.elements.get(set);
    const gone: string[] = [];
    const added: string[] = [];
    for (const key of keys) {
      const a = before?.get(key);
      const b = now?.get(key);
      if (a === b) continue;
      if (a !== undefined) gone.push(key);
      if (b !== undefined) added.push(b);
    }
    elementLines(delElems, 'delete', t, set, gone);
    elementLines(addElems, 'add', t, set, added);
    sum.elementsDeleted += gone.length;
    sum.elementsAdded += added.length;
  }
  for (const name of patch.chains) {
    const def = next.chains.get(name);
    const old = prev.chains.get(name);
    if (def) {
      if (old && sameChain(old, def)) continue;
      if (old) flush.push(`flush chain ${t} ${name}`);
      chainLines(fill, t, name, def);
      sum.chainsWritten++;
    } else if (old) {
      flush.push(`flush chain ${t} ${name}`);
      delChains.push(`delete chain ${t} ${name}`);
      sum.chainsDeleted++;
    }
  }
  const lines = [...create, ...delElems, ...flush, ...fill, ...addElems, ...delChains, ...delSets];
  return lines.length ? lines.join('\n') + '\n' : '';
}
