/**
 * Many concurrent watch streams from one process, each on its own HTTP/1.1 keep-alive connection,
 * recording when every newline-delimited event arrives on every stream. Benchmarks use it to time
 * how long one write takes to reach all watchers (fan-out latency).
 */
import { Agent, request as httpsRequest } from 'node:https';
import type { ClientRequest } from 'node:http';
import type { Connection } from '../../test/helpers/kubeconfig.ts';

/** Open watch streams. Arrival times are performance.now() values in this process. */
export interface WatchFanout {
  /** Streams that answered 200 and are open. */
  readonly opened: number;
  /** Streams that failed to open, with the first failure's text. */
  readonly failed: number;
  readonly firstError?: string;
  /** The first complete event line seen on any stream (for sizing a baseline's event). */
  readonly sampleLine?: string;
  /**
   * Waits until every open stream has received event number `index` (0-based, counted per stream)
   * or `timeoutMs` passes; returns the arrival time on each stream that got it.
   */
  waitFor(index: number, timeoutMs: number): Promise<{ arrivals: number[]; missing: number }>;
  close(): void;
}

/**
 * Opens `count` GET watch streams on `path`, at most `parallel` handshakes at a time, and resolves
 * once each has answered (or failed, or `timeoutMs` passed).
 */
export async function openWatchers(
  conn: Connection,
  path: string,
  count: number,
  opts: { parallel?: number; timeoutMs?: number } = {},
): Promise<WatchFanout> {
  const base = new URL(conn.server);
  const agent = new Agent({
    keepAlive: true,
    maxSockets: count + 16,
    ...(conn.ca ? { ca: conn.ca } : {}),
    ...(conn.cert ? { cert: conn.cert } : {}),
    ...(conn.key ? { key: conn.key } : {}),
  });
  const arrivals: number[][] = Array.from({ length: count }, () => []);
  const counts: number[] = [];
  const waiters = new Map<number, () => void>();
  const requests: ClientRequest[] = [];
  let opened = 0;
  let failed = 0;
  let firstError: string | undefined;
  let sampleLine: string | undefined;

  const gotEvent = (w: number, line: string): void => {
    const list = arrivals[w]!;
    list.push(performance.now());
    sampleLine ??= line;
    const k = list.length - 1;
    counts[k] = (counts[k] ?? 0) + 1;
    if (counts[k] >= opened) waiters.get(k)?.();
  };

  const open = (w: number): Promise<void> =>
    new Promise((resolve) => {
      const fail = (msg: string): void => {
        failed++;
        firstError ??= msg;
        resolve();
      };
      const headers: Record<string, string> = { accept: 'application/json' };
      if (conn.token) headers.authorization = `Bearer ${conn.token}`;
      const req = httpsRequest(
        { hostname: base.hostname, port: base.port || 443, method: 'GET', path, headers, agent },
        (res) => {
          if (res.statusCode !== 200) {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => fail(`watch ${path}: ${res.statusCode} ${text.slice(0, 200)}`));
            return;
          }
          opened++;
          resolve();
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buf += chunk;
            let nl: number;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl);
              buf = buf.slice(nl + 1);
              if (line.trim()) gotEvent(w, line);
            }
          });
          res.on('error', () => {});
        },
      );
      req.on('error', (err) => fail(err.message));
      req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`watch ${path}: no answer`)));
      requests.push(req);
      req.end();
    });

  const parallel = opts.parallel ?? 64;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) await open(next++);
    }),
  );
  // Streams stay open indefinitely from here on: no idle timeout on an established watch.
  for (const req of requests) req.setTimeout(0);

  return {
    get opened() {
      return opened;
    },
    get failed() {
      return failed;
    },
    get firstError() {
      return firstError;
    },
    get sampleLine() {
      return sampleLine;
    },
    waitFor(index, timeoutMs) {
      return new Promise((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(index);
          const got = arrivals.flatMap((a) => (a.length > index ? [a[index]!] : []));
          resolve({ arrivals: got, missing: opened - got.length });
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.set(index, done);
        if ((counts[index] ?? 0) >= opened) done();
      });
    },
    close() {
      for (const req of requests) req.destroy();
      agent.destroy();
    },
  };
}
