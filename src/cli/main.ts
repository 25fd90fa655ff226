/** The `berth` command: one program for every Berth process. */
import { Command, Option } from 'commander';
import { join, resolve } from 'node:path';
// Each command loads its own machinery when it runs (so `berth agent` does not load the control plane).
import { CliError, stopOnSignals } from './cli-error.ts';
import { trimMemoryAfterStart } from './trim-memory.ts';
import { upDataDir } from './up-data-dir.ts';
import type { NodeFlags } from './node-flags.ts';
import type { SimFlags } from './sim.ts';
import { berthVersion } from './version.ts';

const program = new Command();
program
  .name('berth')
  .description('Berth: a self-hosted container service with a Kubernetes-compatible API.')
  .version(berthVersion, '-v, --version', 'print the Berth version')
  .showHelpAfterError('(run with --help for usage)');

program
  .command('server')
  .description('Run one cluster control plane (API server) on a data directory.')
  .requiredOption('--data-dir <dir>', 'where the cluster keeps its datastore, certificates and kubeconfig')
  .option('--listen <host:port>', 'address for the HTTPS API', '0.0.0.0:6443')
  .addOption(
    new Option('--datastore <kind>', 'sqlite (embedded) or etcd://HOST:PORT[,HOST:PORT...]').default(
      'sqlite',
    ),
  )
  .option('--token-auth-file <file>', 'static bearer tokens (CSV: token,user,uid,"group1,group2")')
  .option('--service-cidr <cidr>', 'range Service cluster IPs come from', '10.96.0.0/12')
  .option('--cluster-cidr <cidr>', 'range node pod CIDRs come from (default 10.244.0.0/16)')
  .option('--node-cidr-mask-size <bits>', 'prefix length of each node pod CIDR (default 24)')
  .option('--node-monitor-grace-period <duration>', 'silence before a node is marked Unknown (default 40s)')
  .option(
    '--default-not-ready-toleration-seconds <n>',
    'tolerationSeconds new pods get for node.kubernetes.io/not-ready:NoExecute (default 300)',
  )
  .option(
    '--default-unreachable-toleration-seconds <n>',
    'tolerationSeconds new pods get for node.kubernetes.io/unreachable:NoExecute (default 300)',
  )
  .option(
    '--component-threads',
    'run the controller manager and the scheduler on worker threads over loopback HTTPS (uses the second core; ~100 MB more memory)',
  )
  .option('--log-level <level>', 'debug, info, warn or error', process.env.BERTH_LOG_LEVEL ?? 'info')
  .action(
    async (
      opts: {
        dataDir: string;
        listen: string;
        datastore: string;
        tokenAuthFile?: string;
        serviceCidr: string;
        componentThreads?: boolean;
        logLevel: string;
      } & NodeFlags,
    ) => {
      // Certificates a first start issues are made in a child process: let it boot meanwhile.
      const { warmIssuingIfFirstStart } = await import('../apiserver/pki/cluster-pki.ts');
      warmIssuingIfFirstStart(join(resolve(opts.dataDir), 'tls'));
      const cp = await (await import('./server.ts')).runServer(opts);
      stopOnSignals(() => cp.close());
      trimMemoryAfterStart();
    },
  );

program
  .command('up')
  .description('Start Berth on this machine: a local cluster on the embedded datastore, with defaults.')
  .option('--data-dir <dir>', 'where Berth keeps its data (default ~/.berth)')
  .option('--listen <host:port>', 'address for the cluster API', '0.0.0.0:6443')
  .option('--console-listen <host:port>', 'address for the web console (HTTPS)', '127.0.0.1:9443')
  .option('--no-agent', 'do not run a node agent for this machine (no real containers)')
  .option('--registry-listen <host:port>', 'address for the image registry (HTTPS)', '127.0.0.1:5000')
  .option('--no-registry', 'do not run the image registry')
  .option(
    '--registry-storage-reserve <size>',
    'free space the image registry leaves on its volume: a size (512Mi), a percent (5%) or the lesser of both (default 1Gi,5%)',
  )
  .option(
    '--ingress-http-listen <[ip:]port>',
    'HTTP address of the ingress controller (nginx)',
    '127.0.0.1:8080',
  )
  .option('--ingress-https-listen <[ip:]port>', 'HTTPS address of the ingress controller', '127.0.0.1:8443')
  .option('--no-ingress', 'do not run the ingress controller')
  .option('--log-level <level>', 'debug, info, warn or error', process.env.BERTH_LOG_LEVEL ?? 'info')
  .action(
    async (opts: {
      dataDir?: string;
      listen: string;
      consoleListen: string;
      agent: boolean;
      registryListen: string;
      registry: boolean;
      registryStorageReserve?: string;
      ingress: boolean;
      ingressHttpListen: string;
      ingressHttpsListen: string;
      logLevel: string;
    }) => {
      const { warmIssuingIfFirstStart } = await import('../apiserver/pki/cluster-pki.ts');
      warmIssuingIfFirstStart(join(upDataDir(opts.dataDir), 'server', 'tls'));
      await (await import('./up.ts')).runUp(opts);
      trimMemoryAfterStart();
    },
  );

program
  .command('console')
  .description('Serve the web console for the cluster of a `berth server` data directory.')
  .requiredOption('--server-data-dir <dir>', 'the cluster data directory (its kubeconfig and tls/ca.*)')
  .option(
    '--data-dir <dir>',
    'where the console keeps admin-password and its certificate (default: --server-data-dir)',
  )
  .option('--listen <host:port>', 'address for the console (HTTPS)', '127.0.0.1:9443')
  .option('--log-level <level>', 'debug, info, warn or error', process.env.BERTH_LOG_LEVEL ?? 'info')
  .action(async (opts: import('./console.ts').ConsoleFlags) => {
    const { runConsole } = await import('./console.ts');
    const web = await runConsole(opts);
    stopOnSignals(() => web.close());
  });

const user = program.command('user').description('Manage users who authenticate with client certificates.');
user
  .command('create <name>')
  .description('Issue a client certificate for NAME from the cluster CA and write a kubeconfig for it.')
  .requiredOption('--data-dir <dir>', 'the cluster data directory (holds tls/ and the admin kubeconfig)')
  .option(
    '--group <group>',
    'a group the user belongs to (repeatable)',
    (g: string, acc: string[]) => [...acc, g],
    [] as string[],
  )
  .option('--out <file>', 'where to write the kubeconfig (default DIR/users/NAME.kubeconfig)')
  .action(async (name: string, opts: { dataDir: string; group: string[]; out?: string }) => {
    const path = await (await import('./user.ts')).createUser(name, opts);
    process.stdout.write(`${path}\n`);
  });

program
  .command('sim')
  .description(
    'Register simulated (kwok-style) nodes with a cluster and play the lifecycle of pods bound to them.',
  )
  .requiredOption('--kubeconfig <file>', 'kubeconfig of the cluster to join')
  .requiredOption('--nodes <n>', 'how many nodes to simulate')
  .option('--name-prefix <prefix>', 'node names are PREFIX0, PREFIX1, ...', 'sim-')
  .option('--cpu <quantity>', 'cpu capacity of each node', '8')
  .option('--memory <quantity>', 'memory capacity of each node', '32Gi')
  .option('--pods <n>', 'pod capacity of each node', '110')
  .option('--labels <k=v,...>', 'extra node labels')
  .option('--taints <k=v:Effect,...>', 'node taints')
  .option('--ready-delay <duration>', 'time from binding to Running/Ready', '1s')
  .option('--job-duration <duration>', 'time from Running to Succeeded for Job-like pods', '2s')
  .addHelpText(
    'after',
    [
      '',
      'Pod annotations:',
      '  berth.io/sim-duration: 5s    finish after this long instead of --job-duration (any pod)',
      '  berth.io/sim-exit-code: 1    exit with this code: with restartPolicy Never the pod ends Failed;',
      '                               with OnFailure/Always its containers restart (restartCount goes up)',
    ].join('\n'),
  )
  .option('--lease-renew <duration>', 'how often each node renews its Lease (heartbeat)', '10s')
  .option('--log-level <level>', 'debug, info, warn or error', process.env.BERTH_LOG_LEVEL ?? 'info')
  .action(async (opts: SimFlags) => {
    await (await import('./sim.ts')).runSim(opts);
  });

const registry = program
  .command('registry')
  .description('Run or maintain the image repository (OCI registry).');
registry
  .command('serve')
  .description('Serve the image repository (OCI Distribution API) from DATA_DIR/registry.')
  .requiredOption('--data-dir <dir>', 'where the registry keeps blobs, metadata and its certificate')
  .option('--listen <host:port>', 'address to listen on', '127.0.0.1:5000')
  .option(
    '--cert <file>',
    'TLS certificate (PEM); default: issued from a registry CA in DATA_DIR/registry/tls',
  )
  .option('--key <file>', 'TLS private key (PEM) for --cert')
  .option('--plain-http', 'serve plain HTTP instead of TLS')
  .option(
    '--insecure-allow-all',
    'no authentication: anyone may push, pull and delete (trusted networks, benchmarks)',
  )
  .option('--token-realm <url>', 'token endpoint URL for challenges (default: https://HOST/token)')
  .option(
    '--storage-reserve <size>',
    'free space to leave on the volume; uploads that would eat into it get 507: a size (512Mi), a percent (5%) or the lesser of both (default 1Gi,5%)',
  )
  .option('--log-level <level>', 'debug, info, warn or error', process.env.BERTH_LOG_LEVEL ?? 'info')
  .action(async (opts: import('../registry/cli.ts').ServeFlags & { logLevel: string }) => {
    const { runRegistryServe } = await import('../registry/cli.ts');
    const { createLogger } = await import('./log.ts');
    const reg = await runRegistryServe(opts, createLogger(opts.logLevel, 'berth-registry'));
    stopOnSignals(() => reg.close());
  });
registry
  .command('gc')
  .description('Delete blobs no manifest references (safe while the registry serves).')
  .requiredOption('--data-dir <dir>', 'the data dir given to `registry serve`')
  .option('--dry-run', 'list what would be deleted, delete nothing')
  .option('--grace <duration>', 'keep blobs younger than this (default 1h)')
  .option('--delete-untagged', 'also delete manifests no tag reaches')
  .action(async (opts: import('../registry/cli.ts').GcFlags) => {
    const { runRegistryGc } = await import('../registry/cli.ts');
    await runRegistryGc(opts);
  });
/** --data-dir or --server (+ credentials): where a registry admin command acts. */
const registryTarget = (c: Command): Command =>
  c
    .option('--data-dir <dir>', 'act directly on this data dir (safe while `registry serve` runs)')
    .option('--server <url>', 'act through a running registry, e.g. https://HOST:5000')
    .option('--username <name>', 'with --server: account name', 'admin')
    .option(
      '--password-file <file>',
      'with --server: file holding the password (else $BERTH_REGISTRY_PASSWORD)',
    )
    .option('--ca-file <file>', "with --server: CA to trust (the registry's tls/ca.crt)")
    .option('--insecure-skip-tls-verify', 'with --server: do not check the certificate');
type RegistryAdmin = typeof import('../registry/cli-admin.ts');
const registryAdmin = (): Promise<RegistryAdmin> => import('../registry/cli-admin.ts');
const registryNs = registry
  .command('namespace')
  .description('Image namespaces: public or private, quota, pull-through cache.');
registryTarget(registryNs.command('create <name>').description('Create a namespace.'))
  .option('--public', 'anyone may pull (default: private)')
  .option('--quota <size>', 'limit on stored bytes, e.g. 10Gi')
  .option('--proxy <url>', 'make it a pull-through cache of this registry, e.g. https://registry-1.docker.io')
  .option('--proxy-username <name>', 'upstream account')
  .option('--proxy-password-file <file>', 'upstream password')
  .option('--proxy-ttl <duration>', 'how long a cached tag is served before checking upstream (default 10m)')
  .action(async (name: string, opts: import('../registry/cli-admin.ts').NamespaceCreateFlags) =>
    (await registryAdmin()).runNamespaceCreate(name, opts),
  );
registryTarget(registryNs.command('list').description('List namespaces with usage and quota.')).action(
  async (opts: import('../registry/cli-admin.ts').AdminTarget) =>
    (await registryAdmin()).runNamespaceList(opts),
);
registryTarget(registryNs.command('update <name>').description('Change visibility or quota.'))
  .option('--public', 'make it public')
  .option('--private', 'make it private')
  .option('--quota <size>', 'new quota, or `none`')
  .action(async (name: string, opts: import('../registry/cli-admin.ts').NamespaceUpdateFlags) =>
    (await registryAdmin()).runNamespaceUpdate(name, opts),
  );
registryTarget(
  registryNs.command('delete <name>').description('Delete a namespace and its repositories.'),
).action(async (name: string, opts: import('../registry/cli-admin.ts').AdminTarget) =>
  (await registryAdmin()).runNamespaceDelete(name, opts),
);
const registryRobot = registry
  .command('robot')
  .description('Robot accounts: one namespace, fixed actions, a token.');
registryTarget(registryRobot.command('create <name>').description('Create a robot; prints its token once.'))
  .requiredOption('--namespace <ns>', 'the namespace it may act in')
  .option('--pull', 'may pull (the default when no action is given)')
  .option('--push', 'may push')
  .option('--delete', 'may delete manifests, tags and repositories')
  .action(async (name: string, opts: import('../registry/cli-admin.ts').RobotCreateFlags) =>
    (await registryAdmin()).runRobotCreate(name, opts),
  );
registryTarget(registryRobot.command('list').description('List the robots of a namespace.'))
  .requiredOption('--namespace <ns>', 'namespace')
  .action(async (opts: import('../registry/cli-admin.ts').AdminTarget & { namespace: string }) =>
    (await registryAdmin()).runRobotList(opts),
  );
registryTarget(registryRobot.command('delete <name>').description('Delete a robot.'))
  .requiredOption('--namespace <ns>', 'namespace')
  .action(
    async (name: string, opts: import('../registry/cli-admin.ts').AdminTarget & { namespace: string }) =>
      (await registryAdmin()).runRobotDelete(name, opts),
  );

const image = program
  .command('image')
  .description("Put images into Berth's image registry (no docker needed).");
const imagePushFlags = (c: Command): Command =>
  c
    .option('--registry <host:port>', 'registry for a REF without a host', '127.0.0.1:5000')
    .option(
      '--data-dir <dir>',
      'the `berth up` data dir: CA and admin password come from it (default ~/.berth)',
    )
    .option('--username <name>', 'account to push as (a robot: robot$NS+NAME)', 'admin')
    .option(
      '--password-file <file>',
      'its password or robot token (default $BERTH_REGISTRY_PASSWORD, DATA_DIR/admin-password)',
    )
    .option('--ca-file <file>', "CA of the registry's certificate (default DATA_DIR/server/tls/ca.crt)")
    .option('--insecure-skip-tls-verify', "do not check the registry's certificate")
    .option('--plain-http', 'speak HTTP to the registry')
    .option('--source-tag <name>', 'which image of a source holding several (tag or full name)')
    .option('-q, --quiet', 'print only the result line');
imagePushFlags(
  image
    .command('push <src> <ref>')
    .description(
      'Push an OCI layout directory, OCI archive or docker-archive tar to REF (HOST:PORT/NAMESPACE/NAME:TAG).',
    ),
).action(async (src: string, ref: string, opts: import('./image.ts').ImagePushFlags) => {
  const { runImagePush } = await import('./image.ts');
  await runImagePush(src, ref, opts);
});
imagePushFlags(
  image
    .command('import <file> [ref]')
    .description(
      "Import an image archive (docker save, OCI archive or layout) into the registry; without REF, under the archive's own name.",
    ),
).action(async (file: string, ref: string | undefined, opts: import('./image.ts').ImagePushFlags) => {
  const { runImagePush } = await import('./image.ts');
  await runImagePush(file, ref, opts);
});

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
  .option('--publish-address <ip|host>', 'address written to status.loadBalancer.ingress of served Ingresses')
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
    .description('Create a machine NAME and start a berth agent in it that joins the cluster as node NAME.'),
)
  .option(
    '--cluster-kubeconfig <file>',
    'join with this (administrator) kubeconfig; also lets delete remove the Node',
  )
  .option('--server <url>', 'API server to join with a bootstrap token')
  .option('--token <token>', 'bootstrap token from `berth token create`')
  .option('--ca-cert-hash <sha256:hex>', 'pin of the cluster CA public key')
  .option('--cluster-cidr <cidr>', "the cluster's pod network (the server's --cluster-cidr)", '10.244.0.0/16')
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

program
  .command('version')
  .description('Print the Berth version and the Kubernetes API version it serves.')
  .action(() => {
    process.stdout.write(`berth ${berthVersion} (Kubernetes API v1.32)\n`);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CliError || err instanceof Error) {
    process.stderr.write(`berth: ${err.message}\n`);
  } else {
    process.stderr.write(`berth: ${String(err)}\n`);
  }
  process.exit(1);
});
