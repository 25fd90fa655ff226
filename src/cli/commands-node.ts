/** The node-side commands: `berth agent`, `token`, `ingress`, `proxy`, `netpol`, `dns` and `machine`. */
import type { Command } from 'commander';
import { stopOnSignals } from './cli-error.ts';
import { trimMemoryAfterStart } from './trim-memory.ts';

/** Adds them to `program`; each loads its own machinery only when it runs. */
export function addNodeCommands(program: Command): void {
  program
    .command('agent')
    .description('Run a node agent: join a cluster, register this machine as a Node and keep it reported.')
    .option('--kubeconfig <file>', "join with this kubeconfig (an admin's, or the node's own)")
    .option('--server <url>', 'API server to join with a bootstrap token, e.g. https://HOST:6443')
    .option('--token <token>', 'bootstrap token from `berth token create` (ID.SECRET)')
    .option(
      '--ca-cert-hash <sha256:hex>',
      'pin of the cluster CA public key, as `berth token create` prints it',
    )
    .option('--node-name <name>', 'the Node name (default: this host name)')
    .option(
      '--data-dir <dir>',
      'where the agent keeps its identity (default /var/lib/berth/agent, ~/.berth/agent)',
    )
    .option('--node-ip <ip>', "the InternalIP to report (default: the default route's IPv4 address)")
    .option('--node-labels <k=v,...>', 'extra labels to register the Node with')
    .option(
      '--runtime <name>',
      'container runtime: containerd, or none (tests, control-plane-only: no pods)',
      'containerd',
    )
    .option(
      '--cluster-cidr <cidr>',
      "the cluster's pod network; pod egress leaving it is masqueraded",
      '10.244.0.0/16',
    )
    .option('--pod-network <mode>', "host-gw (routes to the other nodes' pod CIDRs) or none", 'host-gw')
    .option('--no-service-proxy', 'do not run the service proxy (ClusterIP/NodePort/LoadBalancer rules) here')
    .option('--no-network-policy', 'do not enforce NetworkPolicies for this node')
    .option('--no-dns-server', 'do not answer cluster DNS on this node (nor publish it behind kube-dns)')
    .option(
      '--service-cidr <cidr>',
      'Service ClusterIP range; unknown addresses in it are refused',
      '10.96.0.0/12',
    )
    .option(
      '--lb-pool <cidr>',
      'LoadBalancer address pool, e.g. 172.31.0.0/24 (addresses go to Service status)',
    )
    .option('--nodeport-addresses <ip,...>', "more addresses NodePorts answer on, besides the Node's own")
    .option('--cluster-dns <ip>', "the nameserver pods get (kube-dns's ClusterIP)", '10.96.0.10')
    .option('--cluster-domain <domain>', 'the cluster DNS domain', 'cluster.local')
    .option('--dns-port <port>', "port of this node's DNS server on its InternalIP", '53')
    .option(
      '--dns-udp-threads <n>',
      "extra threads answering the node's DNS over UDP (each ~40 MB with 1,000 Services)",
      '0',
    )
    .option('--proxy-table <name>', "the service proxy's nft table (family ip)", 'berth')
    .option(
      '--keep-proxy-rules',
      "leave the service proxy's nft table in place when the agent stops (Services keep working across a restart)",
    )
    .option('--netpol-table <name>', 'the NetworkPolicy nft table (family inet)', 'berth-netpol')
    .option('--cgroup-root <path>', "cgroupfs parent of this node's pods", '/berth')
    .option(
      '--kubelet-port <port>',
      'port of the HTTPS endpoint the API server uses for logs, exec and port-forward (default 10250, or a free port when 10250 is taken)',
    )
    .option(
      '--registry <host:port>',
      "Berth's image repository: containerd trusts the cluster CA for it and pulls with the node certificate (default: the address berth up published in kube-public/berth-registry)",
    )
    .option('--pod-manifest-path <dir>', 'run the pods whose manifests are in DIR (static pods)')
    .option(
      '--image-gc-high-threshold <percent>',
      'image disk usage that starts image garbage collection',
      '85',
    )
    .option(
      '--image-gc-low-threshold <percent>',
      'image disk usage image garbage collection frees down to',
      '80',
    )
    .option(
      '--eviction-hard <thresholds>',
      'evict pods when a signal falls below its threshold (memory.available, nodefs.available; quantity or %)',
      'memory.available<100Mi,nodefs.available<10%',
    )
    .option(
      '--eviction-soft <thresholds>',
      'like --eviction-hard, but pods are evicted only after the signal stayed below for its grace period',
    )
    .option(
      '--eviction-soft-grace-period <periods>',
      'grace period of each soft threshold, e.g. memory.available=1m30s,nodefs.available=2m',
    )
    .option(
      '--eviction-max-pod-grace-period <seconds>',
      'longest grace period given to pods evicted for a soft threshold (default: the pod’s own)',
    )
    .option(
      '--eviction-pressure-transition-period <duration>',
      'how long MemoryPressure/DiskPressure stay True after the pressure is gone',
      '5m',
    )
    .option('--lease-renew <duration>', 'how often the node Lease is renewed', '10s')
    .option(
      '--node-status-update-frequency <duration>',
      'how often the host is checked for status changes',
      '10s',
    )
    .option(
      '--node-status-report-frequency <duration>',
      'longest time between status posts when nothing changed',
      '5m',
    )
    .option('--log-level <level>', 'debug, info, warn or error', process.env.BERTH_LOG_LEVEL ?? 'info')
    .addHelpText(
      'after',
      [
        '',
        'Joining with a token (see `berth token create`):',
        '  berth agent --server https://10.0.0.1:6443 --token abcdef.0123456789abcdef \\',
        '      --ca-cert-hash sha256:<hex>',
        'The agent obtains its own client certificate (CN system:node:NAME, O system:nodes) through a',
        'CertificateSigningRequest and keeps it in DATA_DIR/kubeconfig; it never runs with the join credentials.',
      ].join('\n'),
    )
    .action(async (opts: import('./agent.ts').AgentFlags) => {
      const { runAgent } = await import('./agent.ts');
      await runAgent(opts);
      trimMemoryAfterStart();
    });

  const token = program
    .command('token')
    .description('Manage bootstrap tokens that let nodes join the cluster.');
  token
    .command('create')
    .description('Create a bootstrap token and print it with the `berth agent` join command.')
    .option('--ttl <duration>', 'how long the token is valid (e.g. 30m, 24h; 0 = never expires)', '24h')
    .option('--description <text>', 'a note stored with the token')
    .option('--kubeconfig <file>', 'an administrator kubeconfig (default: $KUBECONFIG or ~/.kube/config)')
    .option('--data-dir <dir>', 'use the admin kubeconfig of this `berth server` data directory')
    .action(async (opts: import('./token.ts').TokenCreateFlags) => {
      const { createToken } = await import('./token.ts');
      const t = await createToken(opts);
      process.stdout.write(`${t.token}\n${t.joinCommand}\n`);
    });

  program
    .command('ingress')
    .description('Run the ingress controller: route Ingresses of class `berth` through a supervised nginx.')
    .requiredOption('--kubeconfig <file>', 'kubeconfig of the cluster to serve')
    .requiredOption('--data-dir <dir>', "where nginx's configuration, certificates and logs live")
    .option('--http-listen <[ip:]port>', 'HTTP address', '0.0.0.0:80')
    .option('--https-listen <[ip:]port>', 'HTTPS address', '0.0.0.0:443')
    .option('--http-port <port>', 'override the port of --http-listen')
    .option('--https-port <port>', 'override the port of --https-listen')
    .option(
      '--publish-address <ip|host>',
      'address written to status.loadBalancer.ingress of served Ingresses',
    )
    .option('--nginx <path>', 'the nginx binary (default /usr/sbin/nginx)')
    .option('--nginx-user <user>', 'user for nginx worker processes when running as root (default root)')
    .option('--worker-processes <n|auto>', 'nginx worker processes', 'auto')
    .option('--no-access-log', 'do not write DATA_DIR/nginx/logs/access.log')
    .option('--ingress-class <name>', 'the IngressClass to create when missing', 'berth')
    .option('--log-level <level>', 'debug, info, warn or error', process.env.BERTH_LOG_LEVEL ?? 'info')
    .action(async (opts: import('../ingress/cli.ts').IngressFlags) => {
      const { runIngress } = await import('../ingress/cli.ts');
      const { createLogger } = await import('./log.ts');
      const ingress = await runIngress(opts, createLogger(opts.logLevel, 'berth-ingress'));
      stopOnSignals(() => ingress.close());
    });

  program
    .command('proxy')
    .description('Run the service proxy (ClusterIP, NodePort, LoadBalancer rules on nftables) for one node.')
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (default: $KUBECONFIG or ~/.kube/config)')
    .option('--node-name <name>', 'the Node this proxy serves (its addresses carry NodePorts)')
    .option('--cluster-cidr <cidr>', 'pod network; ClusterIP traffic from outside it is masqueraded')
    .option(
      '--service-cidr <cidr>',
      'Service ClusterIP range; unknown addresses in it are refused',
      '10.96.0.0/12',
    )
    .option(
      '--lb-pool <cidr>',
      'LoadBalancer address pool, e.g. 172.31.0.0/24 (addresses go to Service status)',
    )
    .option('--nodeport-addresses <ip,...>', "more addresses NodePorts answer on, besides the Node's own")
    .option('--table <name>', 'the nft table (family ip) the proxy owns', 'berth')
    .option('--netns <name>', 'program the rules inside network namespace /run/netns/NAME (tests)')
    .option('--min-sync-interval <duration>', 'least time between two rule syncs', '100ms')
    .option('--full-sync-interval <duration>', 'how often every chain is rewritten', '60s')
    .option('--cleanup', "delete the proxy's nft table and exit")
    .option('--log-level <level>', 'debug, info, warn or error', process.env.BERTH_LOG_LEVEL ?? 'info')
    .action(async (opts: import('../node/proxy/cli.ts').ProxyFlags & { logLevel: string }) => {
      const { runProxy } = await import('../node/proxy/cli.ts');
      const { createLogger } = await import('./log.ts');
      const p = await runProxy(opts, createLogger(opts.logLevel, 'berth-proxy'));
      if (p) stopOnSignals(() => p.stop());
    });

  program
    .command('netpol')
    .description("Enforce NetworkPolicies for one node's pods (nftables table, family inet).")
    .option('--kubeconfig <file>', 'kubeconfig of the cluster (default: $KUBECONFIG or ~/.kube/config)')
    .option('--node-name <name>', 'the Node whose pods are enforced')
    .option('--pod-cidr <cidr>', "this node's pod CIDR: only local pods inside it are enforced")
    .option('--bridge <ifname>', "this node's pod bridge: only traffic through it is filtered")
    .option('--deny <drop|reject>', 'what denied traffic gets', 'drop')
    .option('--table <name>', 'the nft table (family inet) it owns', 'berth-netpol')
    .option('--netns <name>', 'program the rules inside network namespace /run/netns/NAME (tests)')
    .option('--min-sync-interval <duration>', 'least time between two rule syncs', '100ms')
    .option('--full-sync-interval <duration>', 'how often every chain is rewritten', '60s')
    .option('--cleanup', 'delete the nft table and exit')
    .option('--log-level <level>', 'debug, info, warn or error', process.env.BERTH_LOG_LEVEL ?? 'info')
    .action(async (opts: import('../node/netpol/cli.ts').NetpolFlags & { logLevel: string }) => {
      const { runNetpol } = await import('../node/netpol/cli.ts');
      const { createLogger } = await import('./log.ts');
      const p = await runNetpol(opts, createLogger(opts.logLevel, 'berth-netpol'));
      if (p) stopOnSignals(() => p.stop());
    });

  program
    .command('dns')
    .description('Serve cluster DNS (<svc>.<ns>.svc.cluster.local, ...) for a cluster.')
    .requiredOption('--kubeconfig <file>', 'kubeconfig of the cluster to serve')
    .option('--listen <ip:port>', 'UDP and TCP address to answer on', '127.0.0.1:5353')
    .option('--cluster-domain <domain>', 'the cluster domain', 'cluster.local')
    .option('--upstream <ip[:port],...>', 'resolvers for other names (default: --resolv-conf)')
    .option('--resolv-conf <file>', 'where the host resolvers are read from', '/etc/resolv.conf')
    .option('--ttl <seconds>', 'TTL of cluster records and negative answers', '5')
    .option('--service-ip <ip|none>', 'ClusterIP of kube-system/kube-dns, made if missing', '10.96.0.10')
    .option('--udp-threads <n>', 'extra threads answering UDP (SO_REUSEPORT); default CPUs, at most 3')
    .option('--log-level <level>', 'debug, info, warn or error', process.env.BERTH_LOG_LEVEL ?? 'info')
    .action(async (opts: import('../dns/cli.ts').DnsFlags) => {
      const { runDns } = await import('../dns/cli.ts');
      await runDns(opts);
    });

  const machine = program
    .command('machine')
    .description(
      'Machines on this host (network namespaces, each running a berth agent): see docs/machines.md.',
    );
  const machineNet = (c: Command): Command =>
    c
      .option(
        '--data-dir <dir>',
        'Berth data directory; machines live in DIR/machines (default /var/lib/berth)',
      )
      .option('--bridge <name>', 'host bridge the machines hang off (default berth-br0)')
      .option(
        '--subnet <cidr>',
        "the bridge's subnet; the bridge takes the first address (default 172.30.0.0/24)",
      );
  machineNet(
    machine
      .command('create <name>')
      .description(
        'Create a machine NAME and start a berth agent in it that joins the cluster as node NAME.',
      ),
  )
    .option(
      '--cluster-kubeconfig <file>',
      'join with this (administrator) kubeconfig; also lets delete remove the Node',
    )
    .option('--server <url>', 'API server to join with a bootstrap token')
    .option('--token <token>', 'bootstrap token from `berth token create`')
    .option('--ca-cert-hash <sha256:hex>', 'pin of the cluster CA public key')
    .option(
      '--cluster-cidr <cidr>',
      "the cluster's pod network (the server's --cluster-cidr)",
      '10.244.0.0/16',
    )
    .option('--node-labels <k=v,...>', 'extra labels for the Node')
    .option(
      '--lb-pool <cidr>',
      "the agent's LoadBalancer address pool; the host routes it to the machines that serve it",
    )
    .option(
      '--agent-flag <flags>',
      'extra `berth agent` flags, e.g. --agent-flag="--lease-renew 2s" (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option('--no-wait', 'return once the agent started, without waiting for the Node')
    .action(async (name: string, opts: import('../node/machines/cli.ts').MachineCreateFlags) => {
      const { runMachineCreate } = await import('../node/machines/cli.ts');
      await runMachineCreate(name, opts);
    });
  machineNet(
    machine.command('list').description('List the machines: name, address, state, agent pid, pod CIDR.'),
  )
    .option('-o, --output <format>', 'table or json', 'table')
    .action(async (opts: import('../node/machines/cli.ts').MachineCommonFlags & { output?: string }) => {
      const { runMachineList } = await import('../node/machines/cli.ts');
      await runMachineList(opts);
    });
  machineNet(
    machine
      .command('delete <names...>')
      .description(
        'Stop and remove machines with every trace (processes, pods, namespace, veth, routes, files).',
      ),
  )
    .option(
      '--cluster-kubeconfig <file>',
      'kubeconfig allowed to delete the Node (default: the one given at create)',
    )
    .option('--keep-node', 'leave the Node object in the cluster')
    .action(async (names: string[], opts: import('../node/machines/cli.ts').MachineDeleteFlags) => {
      const { runMachineDelete } = await import('../node/machines/cli.ts');
      await runMachineDelete(names, opts);
    });
}
