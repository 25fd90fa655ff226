/**
 * Ephemeral containers (kubectl debug): added to a running pod through pods/ephemeralcontainers and
 * started once in its existing sandbox, never restarted and never probed. One with a
 * targetContainerName joins that container's PID namespace, so `ps` in the debugger shows the
 * target's processes; it waits until the target runs. Their status goes to
 * status.ephemeralContainerStatuses (never ready, and no part of the pod's phase or readiness).
 */
import type { RuntimeContainer, Waiting } from './status.ts';
import type { RContainer, RPod } from './types.ts';

/** Starts one ephemeral container, joining `targetId`'s PID namespace when given. */
export type StartEphemeral = (c: RContainer, targetId: string | undefined) => Promise<unknown>;

/**
 * Starts the pod's ephemeral containers that the runtime does not hold yet. Returns true when one
 * waits for its target container to run (the caller looks again soon).
 */
export async function syncEphemeralContainers(
  pod: RPod,
  containers: ReadonlyMap<string, readonly RuntimeContainer[]>,
  waiting: Map<string, Waiting>,
  start: StartEphemeral,
): Promise<boolean> {
  let pending = false;
  for (const ec of pod.spec?.ephemeralContainers ?? []) {
    if (containers.get(ec.name)?.length) continue; // started before: ephemeral containers run once
    const targetName = ec.targetContainerName;
    let targetId: string | undefined;
    if (targetName) {
      const target = containers.get(targetName)?.[0];
      if (target?.state !== 'CONTAINER_RUNNING') {
        waiting.set(ec.name, {
          reason: 'ContainerCreating',
          message: `waiting for target container "${targetName}" to run`,
        });
        pending = true;
        continue;
      }
      targetId = target.id;
    }
    await start(ec, targetId);
  }
  return pending;
}
