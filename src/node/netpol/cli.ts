/**
 * `berth netpol`: NetworkPolicy enforcement as its own process, for debugging and for hosts without
 * a node agent (agents run it themselves: src/node/netpol/worker.ts). `--cleanup` removes the table
 * and exits.
 */
import { Client } from '../../client/client.ts';
import { httpTransport } from '../../client/http.ts';
import { loadKubeconfig } from '../../client/kubeconfig.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { nftCommand } from '../proxy/nft-runner.ts';
import { NetworkPolicyController } from './controller.ts';
import { deleteTableText } from './ruleset.ts';

/** The flags of `berth netpol`, as commander hands them over. */
export interface NetpolFlags {
  kubeconfig?: string;
  nodeName?: string;
  podCidr?: string;
  bridge?: string;
  deny: string;
  table: string;
  netns?: string;
  minSyncInterval: string;
  fullSyncInterval: string;
  cleanup?: boolean;
}

function ms(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new Error(`--${flag}: not a duration: ${JSON.stringify(text)} (e.g. 100ms, 30s, 5m)`);
  const n = Number(m[1]);
  return m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n;
}

/** Runs the controller until `stop` is called; with --cleanup only deletes the table. */
export async function runNetpol(
  flags: NetpolFlags,
  log: ClientLogger,
): Promise<{ stop(): Promise<void> } | undefined> {
  const runner = nftCommand({ netns: flags.netns });
  if (flags.cleanup) {
    await runner.apply(deleteTableText(flags.table));
    return undefined;
  }
  if (!flags.nodeName) throw new Error('--node-name is required (the Node whose pods are enforced)');
  if (flags.deny !== 'drop' && flags.deny !== 'reject') throw new Error('--deny: "drop" or "reject"');
  const transport = httpTransport(await loadKubeconfig(flags.kubeconfig), { userAgent: 'berth-netpol/0.1' });
  const controller = new NetworkPolicyController({
    client: new Client(transport),
    nodeName: flags.nodeName,
    podCIDR: flags.podCidr,
    bridge: flags.bridge,
    deny: flags.deny,
    table: flags.table,
    runner,
    minSyncIntervalMs: ms('min-sync-interval', flags.minSyncInterval),
    fullSyncIntervalMs: ms('full-sync-interval', flags.fullSyncInterval),
    logger: log,
  });
  await controller.start();
  log.info({ node: flags.nodeName, table: flags.table }, 'network policy enforcement running');
  // Timers are unref'd and watches reconnect now and then: hold the process open until stopped.
  const keepAlive = setInterval(() => {}, 1 << 30);
  return {
    async stop() {
      clearInterval(keepAlive);
      await controller.stop();
      transport.close();
    },
  };
}
