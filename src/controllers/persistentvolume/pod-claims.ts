/**
 * Which PersistentVolumeClaims a pod uses: every `persistentVolumeClaim.claimName` volume, and every
 * generic ephemeral volume, whose claim is named `<pod name>-<volume name>`. Shared by PVC
 * protection and the scheduler's VolumeBinding plugin.
 */
import type { DeepReadonly, KubeObject } from '../../api/object.ts';

interface PodVolume {
  name?: string;
  persistentVolumeClaim?: { claimName?: string; readOnly?: boolean };
  ephemeral?: unknown;
}

/** Names of the claims (in the pod's namespace) the pod's volumes use, without repeats. */
export function podClaimNames(pod: DeepReadonly<KubeObject> & { spec?: unknown }): string[] {
  const volumes = (pod.spec as { volumes?: readonly PodVolume[] } | undefined)?.volumes;
  if (!volumes || volumes.length === 0) return [];
  const out = new Set<string>();
  for (const v of volumes) {
    if (v.persistentVolumeClaim?.claimName) out.add(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral && v.name) out.add(`${pod.metadata.name ?? ''}-${v.name}`);
  }
  return [...out];
}

/** True when the pod has finished (Succeeded or Failed): it holds its claims no longer. */
export function podTerminated(pod: DeepReadonly<{ status?: unknown }>): boolean {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}
