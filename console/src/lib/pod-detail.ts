/**
 * What the pod detail page shows about containers and how it asks for logs: one line per container
 * state, the log URL's query, and the container names a picker offers. Pure, so tested without a DOM.
 */
import type { ContainerState, Pod } from '../api/types.ts';

/** A container state as a word (Running, Waiting, Terminated, or '-' when none) and its detail. */
export function containerState(state: ContainerState | undefined): { state: string; detail: string } {
  if (state?.running)
    return { state: 'Running', detail: state.running.startedAt ? `since ${state.running.startedAt}` : '' };
  if (state?.waiting) {
    const w = state.waiting;
    return { state: w.reason ?? 'Waiting', detail: w.message ?? '' };
  }
  if (state?.terminated) {
    const x = state.terminated;
    const parts = [`exit code ${x.exitCode ?? '?'}`];
    if (x.signal) parts.push(`signal ${x.signal}`);
    if (x.finishedAt) parts.push(`at ${x.finishedAt}`);
    if (x.message) parts.push(x.message);
    return { state: x.reason ?? 'Terminated', detail: parts.join(', ') };
  }
  return { state: '-', detail: '' };
}

/** A pod's containers for the picker: main containers first, then init containers. */
export function containerNames(pod: Pod): { name: string; init: boolean }[] {
  return [
    ...(pod.spec?.containers ?? []).map((c) => ({ name: c.name, init: false })),
    ...(pod.spec?.initContainers ?? []).map((c) => ({ name: c.name, init: true })),
  ];
}

export interface LogOptions {
  container: string;
  /** Keep the response open and stream new lines. */
  follow?: boolean;
  /** The previous (terminated) instance of the container. */
  previous?: boolean;
  /** Only the last N lines; all when absent. */
  tailLines?: number;
  timestamps?: boolean;
}

/** The query of a `pods/log` request, as the API server reads it (absent options are left out). */
export function logQuery(o: LogOptions): Record<string, string | undefined> {
  return {
    container: o.container,
    follow: o.follow ? 'true' : undefined,
    previous: o.previous ? 'true' : undefined,
    tailLines: o.tailLines !== undefined ? String(o.tailLines) : undefined,
    timestamps: o.timestamps ? 'true' : undefined,
  };
}

/** The file name a downloaded log gets: POD-CONTAINER[-previous].log. */
export function logFileName(pod: string, container: string, previous: boolean): string {
  return `${pod}-${container}${previous ? '-previous' : ''}.log`;
}

/**
 * Appends streamed text to the kept lines, dropping the oldest beyond `max` so a long follow does
 * not grow without bound. The last element is the unfinished line (may be '').
 */
export function appendLog(lines: string[], chunk: string, max: number): string[] {
  if (chunk === '') return lines;
  const parts = chunk.split('\n');
  const out = lines.length > 0 ? [...lines.slice(0, -1), lines[lines.length - 1] + parts[0]] : [parts[0]];
  out.push(...parts.slice(1));
  return out.length > max + 1 ? out.slice(out.length - max - 1) : out;
}
