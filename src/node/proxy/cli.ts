/**
 * `berth proxy`: the service proxy as its own process, for debugging and for hosts without a node
 * agent (agents run it themselves: src/node/proxy/worker.ts). `--cleanup` removes the proxy's nft
 * table and exits.
 */
import { Client } from '../../client/client.ts';
import { httpTransport } from '../../client/http.ts';
import { loadKubeconfig } from '../../client/kubeconfig.ts';
import type { ClientLogger } from '../../client/logger.ts';
import { deleteTable, nftCommand } from './nft-runner.ts';
import { ServiceProxy } from './proxy.ts';

/** The flags of `berth proxy`, as commander hands them over. */
export interface ProxyFlags {
  kubeconfig?: string;
  nodeName?: string;
  clusterCidr?: string;
  serviceCidr: string;
  lbPool?: string;
  nodeportAddresses?: string;
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

/** Runs the proxy until `stop` is called; with --cleanup only deletes the table. */
export async function runProxy(
  flags: ProxyFlags,
  log: ClientLogger,
): Promise<{ stop(): Promise<void> } | undefined> {
  const runner = nftCommand({ netns: flags.netns });
  if (flags.cleanup) {
    await deleteTable(runner, flags.table);
    return undefined;
  }
  if (!flags.nodeName) throw new Error('--node-name is required (the Node this proxy serves)');
  const transport = httpTransport(await loadKubeconfig(flags.kubeconfig), { userAgent: 'berth-proxy/0.1' });
  const proxy = new ServiceProxy({
    client: new Client(transport),
    nodeName: flags.nodeName,
    clusterCIDR: flags.clusterCidr,
    serviceCIDR: flags.serviceCidr,
    lbPool: flags.lbPool,
    table: flags.table,
    extraNodeIPs: flags.nodeportAddresses
      ? flags.nodeportAddresses
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
    runner,
    minSyncIntervalMs: ms('min-sync-interval', flags.minSyncInterval),
    fullSyncIntervalMs: ms('full-sync-interval', flags.fullSyncInterval),
    logger: log,
  });
  await proxy.start();
  log.info({ node: flags.nodeName, table: flags.table }, 'service proxy running');
  // Timers are unref'd and watches reconnect now and then: hold the process open until stopped.
  const keepAlive = setInterval(() => {}, 1 << 30);
  return {
    async stop() {
      clearInterval(keepAlive);
      await proxy.stop();
      transport.close();
    },
  };
}
