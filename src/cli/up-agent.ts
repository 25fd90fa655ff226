/**
 * The node agent `berth up` runs for this machine, so the quick start gives a one-node cluster that
 * runs real containers. It is a child process (`berth agent`) joined with the cluster's admin
 * kubeconfig — the agent still makes and uses its own node identity — on the single-node pod network
 * (the CNI bridge masquerades egress; no routes to other nodes). Without root or containerd there is
 * no agent: one line says why and how to fix it, and the cluster runs without nodes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runtimePreflightMessage } from '../node/containerd/preflight.ts';

export interface UpAgent {
  /** Stops the agent (SIGTERM; SIGKILL after `graceMs`) and resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** The agent's node name: the host name, lower-cased as Node names must be. */
export function localNodeName(): string {
  return hostname().toLowerCase();
}

/**
 * Starts `berth agent` for this host, or returns the one-line reason it cannot (not root, containerd
 * missing). It runs through bin/berth, which picks how the agent runs (its bundle when fresh, its
 * Node flags).
 */
export function startUpAgent(o: {
  kubeconfig: string;
  dataDir: string;
  logLevel?: string;
  /** The image registry `berth up` runs (HOST:PORT): the agent trusts it and pulls as the node. */
  registry?: string;
}): { agent: UpAgent } | { reason: string } {
  const problem = runtimePreflightMessage();
  if (problem) return { reason: problem };
  const child: ChildProcess = spawn(
    fileURLToPath(new URL('../../bin/berth', import.meta.url)),
    [
      'agent',
      '--kubeconfig',
      o.kubeconfig,
      '--data-dir',
      join(o.dataDir, 'agent'),
      '--node-name',
      localNodeName(),
      '--pod-network',
      'none',
      ...(o.logLevel ? ['--log-level', o.logLevel] : []),
      ...(o.registry ? ['--registry', o.registry] : []),
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    agent: {
      async stop(graceMs = 4000) {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      },
    },
  };
}
