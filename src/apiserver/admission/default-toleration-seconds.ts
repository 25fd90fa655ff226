/**
 * DefaultTolerationSeconds: every new pod tolerates the node.kubernetes.io/not-ready and
 * node.kubernetes.io/unreachable NoExecute taints for a while (300 s unless configured), so a node
 * that drops out briefly does not lose its pods at once, yet pods on a dead node move elsewhere
 * after five minutes. A pod that already tolerates either taint — a toleration naming that key, or
 * an empty key with operator Exists, with effect NoExecute or empty — keeps what it says.
 */
import type { AdmissionPlugin } from './types.ts';

export const defaultTolerationSecondsValue = 300;

export interface DefaultTolerationSecondsOptions {
  /** tolerationSeconds for node.kubernetes.io/not-ready:NoExecute (default 300). */
  notReadySeconds?: number;
  /** tolerationSeconds for node.kubernetes.io/unreachable:NoExecute (default 300). */
  unreachableSeconds?: number;
}

interface TolerationShape {
  key?: unknown;
  operator?: unknown;
  effect?: unknown;
}

/** True when one of `tolerations` covers NoExecute taints with `key`. */
export function coversNoExecute(tolerations: readonly TolerationShape[], key: string): boolean {
  return tolerations.some(
    (t) =>
      (t.key === key || ((t.key ?? '') === '' && t.operator === 'Exists')) &&
      (t.effect === 'NoExecute' || (t.effect ?? '') === ''),
  );
}

/** The admission plugin; see the file comment. */
export function defaultTolerationSeconds(o: DefaultTolerationSecondsOptions = {}): AdmissionPlugin {
  const defaults: [string, number][] = [
    ['node.kubernetes.io/not-ready', o.notReadySeconds ?? defaultTolerationSecondsValue],
    ['node.kubernetes.io/unreachable', o.unreachableSeconds ?? defaultTolerationSecondsValue],
  ];
  return {
    name: 'DefaultTolerationSeconds',
    admit(a) {
      if (a.operation !== 'CREATE' || a.subresource !== '' || !a.obj) return;
      if (a.kind.group !== '' || a.kind.resource !== 'pods') return;
      const spec = (a.obj.spec ??= {}) as { tolerations?: unknown };
      const list = Array.isArray(spec.tolerations) ? (spec.tolerations as TolerationShape[]) : [];
      const added = defaults
        .filter(([key]) => !coversNoExecute(list, key))
        .map(([key, seconds]) => ({
          key,
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: seconds,
        }));
      if (added.length) spec.tolerations = [...list, ...added];
    },
  };
}
