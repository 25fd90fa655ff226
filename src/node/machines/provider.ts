/**
 * The machine provider seam: something that makes machines (each running a `berth agent` that
 * joins a cluster as one Node), lists them and takes them away again without a trace. Network
 * namespaces on this host (netns-provider.ts) are the first kind; hosts reached over SSH or
 * simulated machines can implement the same interface, and the platform's node pools build on it.
 */

/** How a machine's agent joins the cluster. */
export type MachineJoin =
  | { kind: 'kubeconfig'; kubeconfig: string }
  | { kind: 'token'; server: string; token: string; caCertHash: string };

export interface MachineCreateOptions {
  /** Machine and Node name (a DNS label). */
  name: string;
  join: MachineJoin;
  /** The cluster's pod network, for the agent's egress masquerade (default 10.244.0.0/16). */
  clusterCidr?: string;
  /** Extra Node labels, `k=v,...`. */
  nodeLabels?: string;
  /**
   * The agent's LoadBalancer address pool (`berth agent --lb-pool`). The provider routes the pool to
   * the machines that serve it, as the router in front of a cloud load balancer would, so the
   * addresses written to Service status are reachable from where the machines run.
   */
  lbPool?: string;
  /** How long to wait for the Node to register, in ms (default 120 s); 0 = do not wait. */
  waitMs?: number;
  /** Progress lines for the user. */
  log?: (line: string) => void;
}

export interface MachineDeleteOptions {
  /** A kubeconfig allowed to delete the Node (default: the one given at create, if any). */
  clusterKubeconfig?: string;
  /** Keep the Node object in the cluster. */
  keepNode?: boolean;
  log?: (line: string) => void;
}

/** running: the agent runs; stopped: it does not; broken: parts (namespace, directory) are missing. */
export type MachineState = 'running' | 'stopped' | 'broken';

/** A machine as a provider reports it. */
export interface MachineInfo {
  name: string;
  provider: string;
  /** The machine's address (its Node InternalIP). */
  address: string;
  state: MachineState;
  /** The agent's pid while it runs. */
  pid?: number;
  /** The Node's pod CIDR once known. */
  podCIDR?: string;
  /** Where the machine keeps its files. */
  dir: string;
  createdAt: string;
}

/** Makes, lists and removes machines. */
export interface MachineProvider {
  readonly kind: string;
  /** Creates and starts the machine; resolves once its Node registered (unless waitMs is 0). */
  create(o: MachineCreateOptions): Promise<MachineInfo>;
  /** Stops and removes every trace of the machine; a machine that is already gone is fine. */
  delete(name: string, o?: MachineDeleteOptions): Promise<void>;
  list(): Promise<MachineInfo[]>;
  /** One machine, or undefined when there is none of that name. */
  status(name: string): Promise<MachineInfo | undefined>;
}
