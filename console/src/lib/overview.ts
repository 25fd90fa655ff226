/**
 * The Overview page's figures, computed from watched lists: nodes ready of total, pods per phase,
 * the newest warning events. Pure, so the page only lays them out.
 */
import type { KubeEvent, NodeObject, Pod } from '../api/types.ts';
import { nodeIsReady } from './format.ts';

/** Pod phases in display order. */
export const podPhases = ['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown'] as const;

/** Nodes that are Ready, and all nodes. */
export function nodeReadiness(nodes: readonly NodeObject[]): { ready: number; total: number } {
  return { ready: nodes.filter(nodeIsReady).length, total: nodes.length };
}

/** Count of pods per phase (every phase present, zero when none). */
export function podsByPhase(pods: readonly Pod[]): Record<(typeof podPhases)[number], number> {
  const out = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0, Unknown: 0 };
  for (const p of pods) {
    const phase = p.status?.phase ?? 'Pending';
    if (phase in out) out[phase as keyof typeof out]++;
    else out.Unknown++;
  }
  return out;
}

/** When an event last happened: lastTimestamp, else eventTime, else creation. */
export function eventTime(e: KubeEvent): string | undefined {
  return e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
}

/** The `limit` newest events of type Warning, newest first. */
export function recentWarnings(events: readonly KubeEvent[], limit = 10): KubeEvent[] {
  return events
    .filter((e) => e.type === 'Warning')
    .map((e) => ({ e, t: Date.parse(eventTime(e) ?? '') || 0 }))
    .sort((a, b) => b.t - a.t)
    .slice(0, limit)
    .map(({ e }) => e);
}
