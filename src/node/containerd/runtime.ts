/**
 * The one entry point the agent uses to get a container runtime: either its own supervised
 * containerd (the default) or an existing CRI socket (`--container-runtime-endpoint`), behind the
 * same small handle.
 */
import { CriClient } from '../cri/client.ts';
import { ContainerdSupervisor } from './supervisor.ts';
import type { ContainerdSupervisorOptions } from './supervisor.ts';

/** A runtime the agent can talk to. */
export interface ContainerRuntime {
  /** CRI endpoint (`unix:///…`). */
  endpoint: string;
  /** A client on it (closed by stop()). */
  cri: CriClient;
  /** The supervisor when Berth runs containerd itself; undefined for an existing endpoint. */
  supervisor: ContainerdSupervisor | undefined;
  /** Closes the client and, when supervised, stops containerd (containers keep running). */
  stop(): Promise<void>;
}

export type StartRuntimeOptions =
  { endpoint: string; readyTimeoutMs?: number } | ({ endpoint?: undefined } & ContainerdSupervisorOptions);

/**
 * Starts the node's containerd (or connects to `endpoint`) and resolves once the CRI answers.
 * An existing endpoint is used as it is: its CNI config and pause image are its owner's business.
 */
export async function startContainerRuntime(opts: StartRuntimeOptions): Promise<ContainerRuntime> {
  if (opts.endpoint !== undefined) {
    const cri = new CriClient({ endpoint: opts.endpoint });
    try {
      await cri.waitReady(opts.readyTimeoutMs ?? 10_000);
    } catch (err) {
      cri.close();
      throw err;
    }
    return {
      endpoint: cri.endpoint,
      cri,
      supervisor: undefined,
      stop: async () => cri.close(),
    };
  }
  const supervisor = new ContainerdSupervisor(opts);
  await supervisor.start();
  const cri = new CriClient({ endpoint: supervisor.endpoint });
  return {
    endpoint: supervisor.endpoint,
    cri,
    supervisor,
    stop: async () => {
      cri.close();
      await supervisor.stop();
    },
  };
}
