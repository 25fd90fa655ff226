/**
 * Runs the controller manager or the scheduler on a worker thread of `berth server`, so their CPU
 * (informer decoding, scheduling cycles) stays off the API server's event loop. The thread speaks
 * the API over loopback HTTPS with certificates of its own (manager-thread-entry.ts), exactly as a
 * separate kube-controller-manager or kube-scheduler process would, and keeps its Lease-based leader
 * election. A thread that dies is started again after a second; `stop` asks it to stop its
 * controllers and release its Lease, and terminates it if that takes longer than `stopTimeoutMs`.
 */
import { Worker } from 'node:worker_threads';
import type { ClientLogger } from '../client/logger.ts';
import type { NodeControllerOptions } from './nodelifecycle/node-controllers.ts';

/** Which component a thread runs. */
export type ManagerThreadRole = 'controller-manager' | 'scheduler';

/** What the thread is started with (plain data: it crosses the thread boundary). */
export interface ManagerThreadData {
  role: ManagerThreadRole;
  /** The API server's loopback URL. */
  url: string;
  /** The cluster CA: it verifies the server and issues the thread's client certificates. */
  caCert: string;
  caKey: string;
  /** Where the issued client certificates are kept. */
  pkiDir: string;
  /** The service-account signing key (PKCS#8 PEM) for legacy token Secrets. */
  serviceAccountSigningKey: string;
  controllers: NodeControllerOptions;
  logLevel?: string;
  /**
   * How long start-up waits for the component to lead with synced informers before reporting it
   * started anyway (another server may hold the Lease); default 10 s.
   */
  runningWaitMs?: number;
}

/** Messages from the thread. */
export type ManagerThreadMessage =
  { type: 'running' } | { type: 'stopped' } | { type: 'failed'; message: string };

export interface ManagerThreadOptions {
  log: ClientLogger;
  /** How long `stop` waits for a clean stop before terminating the thread (default 3 s). */
  stopTimeoutMs?: number;
  /** Delay before a thread that died is started again (default 1 s). */
  restartDelayMs?: number;
}

/** A running component thread. */
export interface ManagerThread {
  /** Stops the component (controllers, then the Lease) and ends the thread. */
  stop(): Promise<void>;
}

/**
 * Starts `data.role` on a worker thread; resolves once the component runs (leads, informers
 * synced) or, if another instance holds the Lease, once it has campaigned for `runningWaitMs`;
 * rejects when it could not start.
 */
export async function startManagerThread(
  data: ManagerThreadData,
  o: ManagerThreadOptions,
): Promise<ManagerThread> {
  let worker: Worker;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;

  const spawn = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const w = new Worker(new URL('./manager-thread-entry.ts', import.meta.url), {
        workerData: data,
        name: data.role,
      });
      worker = w;
      w.on('message', (m: ManagerThreadMessage) => {
        if (m.type === 'running') resolve();
        else if (m.type === 'stopped') void w.terminate();
        else if (m.type === 'failed') {
          reject(new Error(`${data.role}: ${m.message}`));
          void w.terminate();
        }
      });
      w.on('error', (err) => o.log.error({ err, component: data.role }, 'component thread failed'));
      w.on('exit', (code) => {
        reject(new Error(`${data.role}: thread exited (${code}) before starting`));
        if (stopping || worker !== w) return;
        o.log.error({ component: data.role, code }, 'component thread exited; starting it again');
        restartTimer = setTimeout(() => {
          spawn().catch((err: unknown) =>
            o.log.error({ err, component: data.role }, 'component thread did not start again'),
          );
        }, o.restartDelayMs ?? 1000);
      });
    });

  await spawn();
  return {
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      const w = worker;
      const exited = new Promise<void>((r) => {
        if (w.threadId === -1) r();
        else w.once('exit', () => r());
      });
      w.postMessage({ type: 'stop' });
      const timer = setTimeout(() => {
        o.log.warn({ component: data.role }, 'component did not stop in time; terminating its thread');
        void w.terminate();
      }, o.stopTimeoutMs ?? 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
