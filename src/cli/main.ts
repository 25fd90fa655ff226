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
import { addNodeCommands } from './commands-node.ts';
import { addRegistryCommands } from './commands-registry.ts';

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
    new Option(
      '--datastore <kind>',
      'sqlite (embedded), etcd://HOST:PORT[,HOST:PORT...] (plaintext) or etcds://HOST:PORT[,HOST:PORT...] (TLS)',
    ).default('sqlite'),
  )
  .option(
    '--etcd-cafile <file>',
    "etcds://: the CA (PEM) that signed etcd's server certificate (default: the system's root CAs)",
  )
  .option(
    '--etcd-certfile <file>',
    'etcds://: client certificate (PEM) to present to etcd; with --etcd-keyfile',
  )
  .option('--etcd-keyfile <file>', 'etcds://: private key (PEM) of --etcd-certfile')
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
        etcdCafile?: string;
        etcdCertfile?: string;
        etcdKeyfile?: string;
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

addRegistryCommands(program);
addNodeCommands(program);

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
