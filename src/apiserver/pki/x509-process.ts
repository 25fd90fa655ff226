/**
 * Certificate work in a short-lived child process. @peculiar/x509 and its ASN.1 libraries are ~200
 * modules: loaded into a long-running process, their code, heap and compile-cache entries stay for
 * good (5–7 MB of RSS), although the process issues or parses a certificate only now and then
 * (first start, a node joining). issue.ts and csr.ts hand each call to one shared child process
 * that loads the library; it exits once it has been idle for `idleMs`, and its memory goes with it
 * (a worker thread would not do: its malloc arena and V8 pages stay with this process).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type * as Issue from './issue.ts';
import type * as Csr from './csr.ts';

/** The calls the child serves: the exported functions of issue.ts and csr.ts that use x509. */
export type X509Calls = Pick<
  typeof Issue,
  'createCertificateAuthority' | 'issueClientCert' | 'issueServingCert'
> &
  Pick<typeof Csr, 'createCertificateRequest' | 'parseCertificateRequest' | 'signCertificateRequest'>;
export type X509Call = keyof X509Calls;

/** The environment variable that marks the x509 child itself: issue.ts and csr.ts do the work there. */
const childMark = 'BERTH_X509_PROCESS';

/** True in the x509 child process, where issue.ts and csr.ts run their calls. */
export const inX509Process = process.env[childMark] === '1';

/** How long the child stays after its last answer (a burst of calls shares one child). */
const idleMs = 1000;

type Reply = { id: number; value?: unknown; error?: string };
type Pending = { resolve(v: unknown): void; reject(e: unknown): void };

/** One child process and the calls it has yet to answer. */
interface Child {
  proc: ChildProcess;
  pending: Map<number, Pending>;
  idleTimer?: NodeJS.Timeout;
}

let current: Child | undefined;
let nextId = 0;

function start(): Child {
  const proc = fork(fileURLToPath(new URL('./x509-process-main.ts', import.meta.url)), [], {
    env: { ...process.env, [childMark]: '1' },
    // Node flags of this process (--test, --inspect, heap limits) are not the child's business.
    execArgv: ['--no-warnings=ExperimentalWarning'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  const c: Child = { proc, pending: new Map() };
  proc.on('message', (m: Reply) => {
    const p = c.pending.get(m.id);
    if (!p) return;
    c.pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.value);
    if (c.pending.size === 0) {
      // Idle: the child no longer keeps this process alive, and goes after idleMs.
      proc.unref();
      proc.channel?.unref();
      c.idleTimer = setTimeout(() => stop(c), idleMs).unref();
    }
  });
  const fail = (err: Error): void => {
    if (current === c) current = undefined;
    for (const p of c.pending.values()) p.reject(err);
    c.pending.clear();
  };
  proc.on('error', fail);
  proc.on('exit', (code, signal) => fail(new Error(`the certificate process exited (${code ?? signal})`)));
  return c;
}

function stop(c: Child): void {
  if (c.pending.size > 0) return;
  if (current === c) current = undefined;
  if (c.proc.connected) c.proc.disconnect();
}

/** The pid of the x509 child process while one runs (for tests and diagnostics). */
export function x509ProcessPid(): number | undefined {
  return current?.proc.pid;
}

/** Runs `name(...args)` of issue.ts / csr.ts in the x509 child process. */
export function callX509Process<K extends X509Call>(
  name: K,
  ...args: Parameters<X509Calls[K]>
): ReturnType<X509Calls[K]> {
  const c = (current ??= start());
  clearTimeout(c.idleTimer);
  // While a call is out, the child keeps this process alive (a command waits for its answer).
  c.proc.ref();
  c.proc.channel?.ref();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    c.pending.set(id, { resolve, reject });
    c.proc.send({ id, name, args });
  }) as ReturnType<X509Calls[K]>;
}

/**
 * Starts the child and has it load the x509 library now, so that calls soon after (a first start
 * issuing the cluster's certificates) do not wait for it: the child boots while this process loads
 * its own modules. A warm child with nothing to do goes after idleMs like any other.
 */
export function warmX509Process(): void {
  if (current) return;
  const c = (current = start());
  const id = nextId++;
  c.pending.set(id, { resolve: () => {}, reject: () => {} });
  c.proc.send({ id, name: 'warm', args: [] });
}

/** The x509 library (loaded on first use; only the child process calls this). */
export async function x509Lib(): Promise<typeof import('./x509-lib.ts').x509> {
  return (await import('./x509-lib.ts')).x509;
}
