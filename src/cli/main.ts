/** The `berth` command: one program for every Berth process. */
import { Command, Option } from 'commander';
import { CliError, runServer, stopOnSignals } from './server.ts';
import type { NodeFlags } from './node-flags.ts';
import { runSim, type SimFlags } from './sim.ts';
import { runUp } from './up.ts';
import { createUser } from './user.ts';
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
  .option('--log-level <level>', 'debug, info, warn or error', process.env.BERTH_LOG_LEVEL ?? 'info')
  .action(
    async (
      opts: {
        dataDir: string;
        listen: string;
        datastore: string;
        tokenAuthFile?: string;
        serviceCidr: string;
        logLevel: string;
      } & NodeFlags,
    ) => {
      const cp = await runServer(opts);
      stopOnSignals(() => cp.close());
    },
  );

program
  .command('up')
  .description('Start Berth on this machine: a local cluster on the embedded datastore, with defaults.')
  .option('--data-dir <dir>', 'where Berth keeps its data (default ~/.berth)')
  .option('--listen <host:port>', 'address for the cluster API', '0.0.0.0:6443')
  .option('--log-level <level>', 'debug, info, warn or error', process.env.BERTH_LOG_LEVEL ?? 'info')
  .action(async (opts: { dataDir?: string; listen: string; logLevel: string }) => {
    await runUp(opts);
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
    const path = await createUser(name, opts);
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
    await runSim(opts);
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
