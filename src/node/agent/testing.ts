/**
 * A worker's AgentContext for unit tests (only *.test.ts files import this): the given client, a
 * Node the test can replace with `setNode` (which tells the onNodeChange listeners, as the agent
 * does when a newly read Node differs), and the abort controller that stands for the agent stopping.
 */
import type { DeepReadonly } from '../../api/object.ts';
import type { Client } from '../../client/client.ts';
import { realClock } from '../../client/clock.ts';
import { silentLogger } from '../../client/logger.ts';
import type { AgentContext } from './agent.ts';
import type { Node } from './agent.ts';
import { noRuntime } from './runtime.ts';

export function workerContext(
  client: Client,
  initial: Node,
): { ctx: AgentContext; abort: AbortController; setNode: (n: Node) => void } {
  let node = initial;
  const listeners = new Set<(n: DeepReadonly<Node>) => void>();
  const abort = new AbortController();
  const ctx: AgentContext = {
    client,
    nodeName: initial.metadata.name ?? '',
    dataDir: '/nonexistent',
    runtime: noRuntime,
    clock: realClock,
    log: silentLogger,
    signal: abort.signal,
    node: () => node,
    onNodeChange: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
  const setNode = (n: Node): void => {
    node = n;
    for (const fn of listeners) fn(n);
  };
  return { ctx, abort, setNode };
}
