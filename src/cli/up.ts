/**
 * `berth up`: everything Berth has, on this machine, with defaults — for now the control plane of a
 * local cluster on the embedded datastore. Prints what to do next.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { runServer, stopOnSignals } from './server.ts';

export interface UpFlags {
  dataDir?: string;
  listen: string;
  logLevel?: string;
}

export async function runUp(flags: UpFlags): Promise<void> {
  const dataDir = resolve(flags.dataDir ?? join(homedir(), '.berth'));
  const cp = await runServer(
    {
      dataDir: join(dataDir, 'server'),
      listen: flags.listen,
      datastore: 'sqlite',
      serviceCidr: '10.96.0.0/12',
      logLevel: flags.logLevel,
    },
    'berth up',
  );
  process.stdout.write(
    [
      '',
      'Berth is up. Next:',
      `  export KUBECONFIG=${cp.kubeconfig}`,
      '  kubectl get ns',
      '',
      'Stop with Ctrl-C; run `berth up` again to carry on with the same data.',
      '',
    ].join('\n'),
  );
  stopOnSignals(() => cp.close());
}
