/**
 * `berth console`: the web console alone, for the cluster of a `berth server` data directory
 * (its admin kubeconfig and CA). `berth up` starts the same console next to its own server.
 */
import { join, resolve } from 'node:path';
import {
  consoleBanner,
  readClusterCa,
  startConsole,
  type RunningConsole,
} from '../platform/start-console.ts';
import { parseListen } from './listen.ts';
import { createLogger } from './log.ts';
import { CliError } from './server.ts';

export interface ConsoleFlags {
  serverDataDir: string;
  dataDir?: string;
  listen: string;
  logLevel?: string;
}

/** Default address of the console: loopback only, so nothing is exposed without asking. */
export const defaultConsoleListen = '127.0.0.1:9443';

/** Starts the console and prints its URL (and the admin password on first start). */
export async function runConsole(flags: ConsoleFlags): Promise<RunningConsole> {
  const log = createLogger(flags.logLevel);
  let listen: { host: string; port: number };
  try {
    listen = parseListen(flags.listen);
  } catch (err) {
    throw new CliError((err as Error).message.replace('--listen', '--console-listen'));
  }
  const serverDataDir = resolve(flags.serverDataDir);
  try {
    const running = await startConsole({
      dataDir: resolve(flags.dataDir ?? serverDataDir),
      host: listen.host,
      port: listen.port,
      ca: await readClusterCa(serverDataDir),
      kubeconfig: join(serverDataDir, 'kubeconfig'),
      log,
    });
    process.stdout.write(consoleBanner(running).join('\n') + '\n');
    return running;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE')
      throw new CliError(`cannot listen on ${flags.listen}: the address is already in use`);
    if (e.code === 'ENOENT') throw new CliError(`cannot start the console: ${e.message}`);
    throw err;
  }
}
