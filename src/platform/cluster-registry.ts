/**
 * The clusters the console can reach, by name, with the credentials to reach them. Credentials stay
 * in this process: the browser only ever sees `ClusterSummary` (name, display name, server URL).
 * Today `berth up` registers one cluster, `local`; the platform will add the clusters it creates.
 */
import { Agent } from 'node:https';
import { loadKubeconfig } from '../client/kubeconfig.ts';

/** A cluster and how to reach its API server as an administrator. */
export interface ClusterConnection {
  name: string;
  displayName: string;
  /** API server base URL, e.g. https://127.0.0.1:6443. */
  server: string;
  caCert?: string;
  clientCert?: string;
  clientKey?: string;
  token?: string;
}

/** What the browser may know about a cluster. */
export interface ClusterSummary {
  name: string;
  displayName: string;
  server: string;
}

/** A registered cluster: its connection and a keep-alive agent that carries its credentials. */
export interface RegisteredCluster {
  connection: ClusterConnection;
  agent: Agent;
}

const namePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Name → cluster; names are DNS labels so they can sit in a URL path unescaped. */
export class ClusterRegistry {
  private readonly clusters = new Map<string, RegisteredCluster>();

  /** Adds or replaces a cluster. Throws for a name that is not a DNS label. */
  add(connection: ClusterConnection): void {
    if (!namePattern.test(connection.name)) {
      throw new Error(`cluster name ${JSON.stringify(connection.name)} is not a DNS label`);
    }
    this.clusters.get(connection.name)?.agent.destroy();
    const agent = new Agent({
      keepAlive: true,
      // Each open watch holds a socket; allow plenty before requests queue.
      maxSockets: 256,
      ca: connection.caCert,
      cert: connection.clientCert,
      key: connection.clientKey,
    });
    this.clusters.set(connection.name, { connection, agent });
  }

  get(name: string): RegisteredCluster | undefined {
    return this.clusters.get(name);
  }

  /** The clusters as the browser sees them, sorted by name. */
  list(): ClusterSummary[] {
    return [...this.clusters.values()]
      .map(({ connection: c }) => ({ name: c.name, displayName: c.displayName, server: c.server }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Closes every agent's sockets. */
  close(): void {
    for (const c of this.clusters.values()) c.agent.destroy();
    this.clusters.clear();
  }
}

/** A connection read from a kubeconfig's current context. */
export async function connectionFromKubeconfig(
  name: string,
  kubeconfigPath: string,
  displayName = name,
): Promise<ClusterConnection> {
  const kc = await loadKubeconfig(kubeconfigPath);
  return {
    name,
    displayName,
    server: kc.server.replace(/\/+$/, ''),
    caCert: kc.caCert,
    clientCert: kc.clientCert,
    clientKey: kc.clientKey,
    token: kc.token,
  };
}
