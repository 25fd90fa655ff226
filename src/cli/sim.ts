/**
 * `berth sim`: registers N simulated (kwok-style) nodes with a cluster and plays the lifecycle of
 * the pods scheduled onto them, until interrupted. Flags are parsed and checked here so bad input
 * fails before anything is registered.
 */
import { Client } from '../client/client.ts';
import { httpTransport } from '../client/http.ts';
import { loadKubeconfig } from '../client/kubeconfig.ts';
import { parseQuantity } from '../api/quantity.ts';
import { parseDuration } from '../node/sim/duration.ts';
import { SimNodes } from '../node/sim/sim.ts';
import type { Taint } from '../scheduler/types.ts';
import { createLogger } from './log.ts';
import { CliError, stopOnSignals } from './cli-error.ts';
import { parseLabels } from './labels.ts';

export interface SimFlags {
  kubeconfig: string;
  nodes: string;
  namePrefix: string;
  cpu: string;
  memory: string;
  pods: string;
  labels?: string;
  taints?: string;
  readyDelay: string;
  jobDuration: string;
  /** How often node Leases are renewed (the heartbeat; default 10s, as kubelets do). */
  leaseRenew?: string;
  logLevel?: string;
}

export { parseLabels };

/** `k=v:NoSchedule,k2:NoExecute` → taints. */
export function parseTaints(s: string | undefined): Taint[] {
  return (s ?? '')
    .split(',')
    .filter(Boolean)
    .map((part) => {
      const m = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|PreferNoSchedule|NoExecute)$/.exec(part);
      if (!m)
        throw new CliError(
          `invalid taint ${JSON.stringify(part)} (want key[=value]:NoSchedule|PreferNoSchedule|NoExecute)`,
        );
      return { key: m[1]!, ...(m[2] !== undefined ? { value: m[2] } : {}), effect: m[3]! };
    });
}

function quantity(flag: string, v: string): string {
  try {
    parseQuantity(v);
  } catch (err) {
    throw new CliError(`--${flag}: ${(err as Error).message}`);
  }
  return v;
}

function duration(flag: string, v: string): number {
  try {
    return parseDuration(v);
  } catch (err) {
    throw new CliError(`--${flag}: ${(err as Error).message}`);
  }
}

/** The heartbeat period: at least 100 ms, so a typo cannot flood the API with renewals. */
function leaseRenew(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const ms = duration('lease-renew', v);
  if (ms < 100) throw new CliError(`--lease-renew must be at least 100ms, got ${JSON.stringify(v)}`);
  return ms;
}

/** Runs the simulated nodes until SIGINT/SIGTERM. */
export async function runSim(flags: SimFlags): Promise<void> {
  const n = Number(flags.nodes);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`--nodes must be a positive whole number, got ${JSON.stringify(flags.nodes)}`);
  const log = createLogger(flags.logLevel, 'berth-sim');
  const kc = await loadKubeconfig(flags.kubeconfig);
  const transport = httpTransport(kc, { maxSockets: 32 });
  // Heartbeats on connections of their own: they must not wait behind pod status writes.
  const heartbeats = httpTransport(kc, { maxSockets: 8 });
  const sim = new SimNodes({
    client: new Client(transport),
    heartbeatClient: new Client(heartbeats),
    nodes: n,
    namePrefix: flags.namePrefix,
    cpu: quantity('cpu', flags.cpu),
    memory: quantity('memory', flags.memory),
    pods: quantity('pods', flags.pods),
    labels: parseLabels(flags.labels),
    taints: parseTaints(flags.taints),
    readyDelayMs: duration('ready-delay', flags.readyDelay),
    jobDurationMs: duration('job-duration', flags.jobDuration),
    leaseRenewMs: leaseRenew(flags.leaseRenew),
    logger: log,
  });
  await sim.start();
  log.info({ nodes: n, prefix: flags.namePrefix }, 'simulated nodes registered');
  // Timers are unref'd and the watch reconnects now and then: hold the process open until a signal.
  const keepAlive = setInterval(() => {}, 1 << 30);
  stopOnSignals(async () => {
    clearInterval(keepAlive);
    await sim.stop();
    transport.close();
    heartbeats.close();
  });
}
