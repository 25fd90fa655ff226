/**
 * What the agent needs from its container runtime to report the node: a version string in
 * Kubernetes' form (`containerd://1.7.24`) and whether it is up. The CRI layer provides the real one;
 * `noRuntime` is for `--runtime none` (tests and control-plane-only machines): version `unknown`,
 * always ready, and no pods will run.
 */
export interface RuntimeInfo {
  /** `<runtime name>://<version>`, or `unknown`. */
  version(): Promise<string>;
  /** Whether the runtime answers; `message` says why not. */
  status(): Promise<{ ready: boolean; message?: string }>;
}

export const noRuntime: RuntimeInfo = {
  version: async () => 'unknown',
  status: async () => ({ ready: true }),
};
