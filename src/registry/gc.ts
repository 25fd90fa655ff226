/**
 * The garbage collector: mark, then sweep.
 *
 * Mark (per repository): the roots are every manifest the repository holds — or, with
 * `deleteUntagged`, only tagged ones plus manifests younger than the grace period — then everything
 * reachable from them: child manifests of indexes and (with deleteUntagged) referrers whose subject is
 * live. The live blobs of a repository are the configs and layers of its live manifests.
 *
 * Sweep, in one write transaction: drop dead manifest links (deleteUntagged only), blob links no live
 * manifest uses that are older than the grace period, manifest rows no repository holds, and choose
 * the blob files to delete — older than the grace period and linked from nowhere. Those are written
 * to the `deleting` table before the transaction commits, so a push of the same digest waits for the
 * file to go and then stores it afresh; a manifest push checks its blob links inside its own
 * transaction, so it either lands before the sweep (and its blobs are live) or fails cleanly with
 * MANIFEST_BLOB_UNKNOWN. Uploads in progress are separate files and never touched unless abandoned
 * (untouched for `uploadTtlMs`). Safe while pushes are in flight, from this process or another.
 */
import type { BlobStore } from './storage/blob-store.ts';
import type { RegistryMetadata } from './storage/metadata.ts';
import { parseDigest } from './reference.ts';

export interface GcOptions {
  /** Report what would go, change nothing. */
  dryRun?: boolean;
  /** Blobs and links younger than this are kept whatever references them. Default 1 hour. */
  gracePeriodMs?: number;
  /** Uploads untouched this long are abandoned and removed. Default 24 hours. */
  uploadTtlMs?: number;
  /** Also delete manifests no tag reaches (and what only they referenced). Default false. */
  deleteUntagged?: boolean;
  now?: () => number;
}

/** What a collection removed (or, in a dry run, would remove). */
export interface GcReport {
  dryRun: boolean;
  manifestsDeleted: { repo: string; digest: string }[];
  blobLinksDeleted: { repo: string; digest: string }[];
  blobsDeleted: { digest: string; size: number }[];
  blobsKept: number;
  uploadsDeleted: string[];
  bytesFreed: number;
}

/** The live sets computed by the mark phase, per repository. */
export interface LiveSets {
  manifests: Map<string, Set<string>>;
  blobs: Map<string, Set<string>>;
}

type Row = Record<string, unknown>;

/** The mark phase alone (read-only); exported for tests and for `gc --dry-run` explanations. */
export function markLive(
  meta: RegistryMetadata,
  opts: { deleteUntagged?: boolean; cutoffMs: number },
): LiveSets {
  const db = meta.db;
  const children = new Map<string, { blobs: string[]; manifests: string[] }>();
  for (const r of db.prepare('SELECT parent, kind, child FROM manifest_refs').all() as Row[]) {
    const parent = r.parent as string;
    let c = children.get(parent);
    if (!c) children.set(parent, (c = { blobs: [], manifests: [] }));
    (r.kind === 'blob' ? c.blobs : c.manifests).push(r.child as string);
  }
  const subjectOf = new Map<string, string>();
  for (const r of db
    .prepare('SELECT digest, subject FROM manifests WHERE subject IS NOT NULL')
    .all() as Row[]) {
    subjectOf.set(r.digest as string, r.subject as string);
  }
  const held = new Map<string, Map<string, number>>();
  for (const r of db.prepare('SELECT repo, digest, linked_at FROM manifest_links').all() as Row[]) {
    const repo = r.repo as string;
    let m = held.get(repo);
    if (!m) held.set(repo, (m = new Map()));
    m.set(r.digest as string, r.linked_at as number);
  }
  const tagged = new Map<string, string[]>();
  for (const r of db.prepare('SELECT repo, digest FROM tags').all() as Row[]) {
    const list = tagged.get(r.repo as string) ?? [];
    list.push(r.digest as string);
    tagged.set(r.repo as string, list);
  }

  const live: LiveSets = { manifests: new Map(), blobs: new Map() };
  for (const [repo, links] of held) {
    const roots = opts.deleteUntagged
      ? [...(tagged.get(repo) ?? []), ...[...links].filter(([, at]) => at >= opts.cutoffMs).map(([d]) => d)]
      : [...links.keys()];
    const manifests = new Set<string>();
    const stack = roots.filter((d) => links.has(d));
    const visit = (): void => {
      while (stack.length > 0) {
        const d = stack.pop() as string;
        if (manifests.has(d)) continue;
        manifests.add(d);
        for (const c of children.get(d)?.manifests ?? []) if (links.has(c)) stack.push(c);
      }
    };
    visit();
    if (opts.deleteUntagged) {
      // Referrers (signatures, SBOMs) live as long as what they describe.
      let grew = true;
      while (grew) {
        grew = false;
        for (const d of links.keys()) {
          const s = subjectOf.get(d);
          if (!manifests.has(d) && s !== undefined && manifests.has(s)) {
            stack.push(d);
            grew = true;
          }
        }
        visit();
      }
    }
    const blobs = new Set<string>();
    for (const d of manifests) for (const b of children.get(d)?.blobs ?? []) blobs.add(b);
    live.manifests.set(repo, manifests);
    live.blobs.set(repo, blobs);
  }
  return live;
}

/** Runs one collection over `meta` and `blobs` (see the file comment). */
export async function collectGarbage(
  meta: RegistryMetadata,
  blobs: BlobStore,
  opts: GcOptions = {},
): Promise<GcReport> {
  const now = (opts.now ?? Date.now)();
  const cutoff = now - (opts.gracePeriodMs ?? 60 * 60 * 1000);
  const dryRun = opts.dryRun === true;
  const report: GcReport = {
    dryRun,
    manifestsDeleted: [],
    blobLinksDeleted: [],
    blobsDeleted: [],
    blobsKept: 0,
    uploadsDeleted: [],
    bytesFreed: 0,
  };

  // Listed before the transaction (the store is asynchronous); only old files can be chosen, and a
  // file that appears meanwhile is simply not considered this time.
  const files: { digest: string; size: number; modifiedMs: number }[] = [];
  for await (const f of blobs.list())
    files.push({ digest: f.digest, size: f.info.size, modifiedMs: f.info.modifiedMs });

  const db = meta.db;
  const doomed: { digest: string; size: number }[] = [];
  db.exec('BEGIN IMMEDIATE');
  try {
    const live = markLive(meta, { deleteUntagged: opts.deleteUntagged, cutoffMs: cutoff });
    if (opts.deleteUntagged) {
      for (const r of db.prepare('SELECT repo, digest FROM manifest_links').all() as Row[]) {
        const repo = r.repo as string;
        const digest = r.digest as string;
        if (live.manifests.get(repo)?.has(digest)) continue;
        db.prepare('DELETE FROM tags WHERE repo = ? AND digest = ?').run(repo, digest);
        db.prepare('DELETE FROM manifest_links WHERE repo = ? AND digest = ?').run(repo, digest);
        report.manifestsDeleted.push({ repo, digest });
      }
    }
    db.exec(`DELETE FROM manifest_refs WHERE parent NOT IN (SELECT digest FROM manifest_links)`);
    db.exec(`DELETE FROM manifests WHERE digest NOT IN (SELECT digest FROM manifest_links)`);
    for (const r of db.prepare('SELECT repo, digest, linked_at FROM blob_links').all() as Row[]) {
      const repo = r.repo as string;
      const digest = r.digest as string;
      if (live.blobs.get(repo)?.has(digest) || (r.linked_at as number) >= cutoff) continue;
      db.prepare('DELETE FROM blob_links WHERE repo = ? AND digest = ?').run(repo, digest);
      report.blobLinksDeleted.push({ repo, digest });
    }
    const linked = db.prepare('SELECT 1 AS x FROM blob_links WHERE digest = ? LIMIT 1');
    const mark = db.prepare('INSERT OR REPLACE INTO deleting (digest, since) VALUES (?, ?)');
    for (const f of files) {
      if (f.modifiedMs >= cutoff || linked.get(f.digest) !== undefined) {
        report.blobsKept++;
        continue;
      }
      doomed.push({ digest: f.digest, size: f.size });
      mark.run(f.digest, now);
    }
    db.exec(`DELETE FROM repositories WHERE name NOT IN (SELECT repo FROM blob_links)
      AND name NOT IN (SELECT repo FROM manifest_links) AND name NOT IN (SELECT repo FROM uploads)`);
    db.exec(dryRun ? 'ROLLBACK' : 'COMMIT');
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }

  const unmark = db.prepare('DELETE FROM deleting WHERE digest = ?');
  for (const b of doomed) {
    const d = parseDigest(b.digest);
    if (!dryRun && d) {
      try {
        await blobs.delete(d);
      } finally {
        unmark.run(b.digest);
      }
    }
    report.blobsDeleted.push(b);
    report.bytesFreed += b.size;
  }

  const uploadCutoff = now - (opts.uploadTtlMs ?? 24 * 60 * 60 * 1000);
  for (const u of await blobs.listUploads()) {
    if (u.modifiedMs >= uploadCutoff) continue;
    if (!dryRun) {
      await blobs.cancelUpload(u.id);
      meta.forgetUpload(u.id);
    }
    report.uploadsDeleted.push(u.id);
  }
  return report;
}
