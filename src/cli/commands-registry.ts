/** `berth registry …` and `berth image …`: the image repository's server, maintenance and admin commands, and putting images into it. */
import type { Command } from 'commander';
import { stopOnSignals } from './cli-error.ts';

/** Adds them to `program`; each loads its own machinery only when it runs. */
export function addRegistryCommands(program: Command): void {
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
    .option(
      '--proxy <url>',
      'make it a pull-through cache of this registry, e.g. https://registry-1.docker.io',
    )
    .option('--proxy-username <name>', 'upstream account')
    .option('--proxy-password-file <file>', 'upstream password')
    .option(
      '--proxy-ttl <duration>',
      'how long a cached tag is served before checking upstream (default 10m)',
    )
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
}
