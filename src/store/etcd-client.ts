/**
 * The gRPC side of the etcd store: one channel per endpoint, the endpoint in use, and client-side
 * failover. A call that fails with UNAVAILABLE or DEADLINE_EXCEEDED moves to the next endpoint and is
 * retried there when that is safe: reads always; writes only when the request cannot have been
 * applied (no connection, or the member had no leader) — otherwise AmbiguousWriteError. When no
 * endpoint answers, the caller gets StoreError Unavailable.
 * etcd's own errors (compacted, future revision) become the matching StoreError codes.
 */
import { Client, credentials, Metadata, status } from '@grpc/grpc-js';
import type { ClientDuplexStream, ServiceError } from '@grpc/grpc-js';
import { StoreError } from './types.ts';
import { etcdMethods } from './etcd-wire.ts';
import { speaksPlainHttp, speaksTls } from './etcd-tls-probe.ts';
import type { UnaryName, UnaryRpcs, WatchRequest, WatchResponse } from './etcd-wire.ts';

export interface EtcdClientOptions {
  /**
   * Client URLs (`http://host:port`, `https://host:port`) or `host:port`, tried in order. A bare
   * `host:port` means http, or https when `tls` is given.
   */
  endpoints: string[];
  /**
   * TLS to every endpoint (each must then be https): `ca` verifies the server's certificate (the
   * system roots when absent); `cert` and `key` are the client certificate, both or neither.
   */
  tls?: EtcdTlsOptions;
  /** Deadline of one attempt of a unary call, in ms (default 5000). */
  requestTimeoutMs?: number;
  log?: (msg: string, extra?: object) => void;
}

/** PEM buffers for TLS to etcd, as kube-apiserver's --etcd-cafile/--etcd-certfile/--etcd-keyfile. */
export interface EtcdTlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** Whether a failed call may be sent again: reads may, writes only when they surely did not apply. */
export type RetryPolicy = 'read' | 'write';

const channelOptions = {
  // Lists of big objects exceed gRPC's 4 MiB default.
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
};

/** Connections to an etcd cluster with failover between its members. */
export class EtcdClient {
  readonly endpoints: readonly string[];
  readonly #urls: URL[];
  readonly #clients: Client[];
  readonly #timeout: number;
  readonly #log: (msg: string, extra?: object) => void;
  #current = 0;
  #closed = false;

  constructor(opts: EtcdClientOptions) {
    if (opts.endpoints.length === 0) throw new TypeError('etcd store needs at least one endpoint');
    this.endpoints = opts.endpoints;
    this.#timeout = opts.requestTimeoutMs ?? 5000;
    this.#log = opts.log ?? (() => {});
    const tls = opts.tls;
    if (tls && !tls.cert !== !tls.key)
      throw new TypeError('etcd TLS: a client certificate needs both cert and key');
    this.#urls = opts.endpoints.map((e) => {
      const url = /^[a-z]+:\/\//.test(e) ? new URL(e) : new URL(`${tls ? 'https' : 'http'}://${e}`);
      // Never a silent downgrade: TLS settings with a plaintext endpoint are a mistake to report.
      if (tls && url.protocol !== 'https:')
        throw new TypeError(`etcd endpoint ${e}: TLS options given, but the endpoint is not https`);
      return url;
    });
    this.#clients = this.#urls.map((url) => {
      const creds =
        url.protocol === 'https:'
          ? credentials.createSsl(tls?.ca ?? null, tls?.key ?? null, tls?.cert ?? null)
          : credentials.createInsecure();
      return new Client(url.host, creds, channelOptions);
    });
  }

  /**
   * Whether the etcd that answered sends requested progress notices in order with a watch's events
   * (see progressNoticesOrdered); known after connect().
   */
  progressOrdered = true;

  /** The endpoint calls go to now. */
  get currentEndpoint(): string {
    return this.endpoints[this.#current];
  }

  /** Picks the first endpoint whose member answers a Status call; Unavailable when none does. */
  async connect(): Promise<void> {
    const failures: string[] = [];
    for (let i = 0; i < this.#clients.length; i++) {
      try {
        const st = (await this.#attempt(i, 'Status', {}, Math.min(this.#timeout, 2000))) as {
          version?: string;
        };
        this.#current = i;
        this.progressOrdered = progressNoticesOrdered(st.version ?? '');
        return;
      } catch (err) {
        failures.push(`${this.endpoints[i]}: ${await this.#explainConnectFailure(i, err)}`);
      }
    }
    throw new StoreError('Unavailable', `no etcd endpoint answered: ${failures.join('; ')}`);
  }

  /** Calls `method`, failing over between endpoints as `policy` allows. */
  async call<K extends UnaryName>(
    method: K,
    req: UnaryRpcs[K][0],
    policy: RetryPolicy,
  ): Promise<UnaryRpcs[K][1]> {
    const attempts = this.#clients.length * 3;
    let last: unknown;
    for (let n = 0; n < attempts; n++) {
      this.#assertOpen();
      const index = this.#current;
      try {
        return await this.#attempt(index, method, req, this.#timeout);
      } catch (err) {
        last = err;
        const retryable =
          isServiceError(err) && (err.code === status.UNAVAILABLE || err.code === status.DEADLINE_EXCEEDED);
        if (!retryable) throw mapError(err);
        this.failover(index, err);
        if (policy === 'write' && !surelyNotApplied(err)) throw new AmbiguousWriteError(describe(err));
        // After each full round, back off a little: a leader election takes about an election timeout.
        if ((n + 1) % this.#clients.length === 0)
          await delay(100 * 2 ** Math.floor(n / this.#clients.length));
      }
    }
    throw mapError(last);
  }

  /** Opens a Watch stream on the current endpoint; `index` names it for `failover`. */
  openWatch(): { stream: ClientDuplexStream<WatchRequest, WatchResponse>; index: number } {
    this.#assertOpen();
    const m = etcdMethods().watch;
    const index = this.#current;
    // "hasleader": the member ends the stream (UNAVAILABLE) when it loses its leader, instead of
    // going quiet while cut off from the cluster; the watch then fails over like on a crash.
    const md = new Metadata();
    md.set('hasleader', 'true');
    const stream = this.#clients[index].makeBidiStreamRequest(
      m.path,
      m.requestSerialize,
      m.responseDeserialize,
      md,
      {},
    );
    return { stream, index };
  }

  /** Moves off endpoint `index` after it failed (no-op when another failure already moved on). */
  failover(index: number, err: unknown): void {
    if (this.#current !== index || this.#clients.length === 1) return;
    this.#current = (index + 1) % this.#clients.length;
    this.#log('etcd endpoint failed; failing over', {
      from: this.endpoints[index],
      to: this.endpoints[this.#current],
      error: describe(err),
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const c of this.#clients) c.close();
  }

  #attempt<K extends UnaryName>(
    index: number,
    method: K,
    req: UnaryRpcs[K][0],
    timeoutMs: number,
  ): Promise<UnaryRpcs[K][1]> {
    const m = etcdMethods().unary[method];
    return new Promise((resolve, reject) => {
      this.#clients[index].makeUnaryRequest(
        m.path,
        m.requestSerialize,
        m.responseDeserialize,
        req,
        new Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err, res) => (err || !res ? reject(err ?? new Error('empty response')) : resolve(res)),
      );
    });
  }

  /**
   * Why endpoint `index` did not answer. Plaintext gRPC to a TLS port fails with a bare "Failed to
   * connect", and TLS to a plaintext port with a reset or an early close; a probe of the other
   * protocol turns either into the mistake it is.
   */
  async #explainConnectFailure(index: number, err: unknown): Promise<string> {
    const text = describe(err);
    const url = this.#urls[index];
    if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(text)) return text;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port) || 2379;
    if (url.protocol === 'http:' && (await speaksTls(host, port)))
      return `${text}: the endpoint speaks TLS, not plaintext gRPC`;
    const endedEarly = /ECONNRESET|before secure TLS connection|socket hang up/.test(text);
    if (url.protocol === 'https:' && endedEarly && (await speaksPlainHttp(host, port)))
      return `${text}: the endpoint speaks plaintext, not TLS`;
    return text;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreError('Closed', 'store is closed');
  }
}

/**
 * A write failed in a way that does not tell whether etcd applied it (the connection dropped after
 * sending, the deadline passed, the leader changed while it waited). Code Unavailable; the store may
 * send it again and recognise its own earlier success by the value it finds.
 */
export class AmbiguousWriteError extends StoreError {
  constructor(detail: string) {
    super('Unavailable', `etcd: write outcome unknown: ${detail}`);
  }
}

/** Turns a gRPC or etcd failure into a StoreError with the contract's code. */
export function mapError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const text = describe(err);
  if (/required revision has been compacted/.test(text)) return new StoreError('Compacted', text);
  if (/required revision is a future revision/.test(text)) return new StoreError('FutureRevision', text);
  return new StoreError('Unavailable', `etcd: ${text}`);
}

export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number';
}

/** True when an UNAVAILABLE write never reached a leader's log: safe to send again. */
function surelyNotApplied(err: ServiceError): boolean {
  return /No connection established|ECONNREFUSED|no leader|Name resolution failed/i.test(
    err.details ?? err.message,
  );
}

/** One line saying why a call failed (grpc-js and OpenSSL texts tidied, see tidy). */
export function describe(err: unknown): string {
  if (isServiceError(err)) return tidy(err.details || err.message);
  return tidy(err instanceof Error ? err.message : String(err));
}

/**
 * grpc-js's connection failures without what only adds noise to a one-line error: the timestamp,
 * an empty resolution note, OpenSSL's error-queue prefix and source location (its reason and alert
 * stay), and Node's advice to run with --use-system-ca (a Node flag, not a Berth one).
 */
function tidy(text: string): string {
  return text
    .replace(/\b[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):[^:\s]+:\d+:/g, '$1: ')
    .replace(/Last error: Error: /, 'Last error: ')
    .replace(/; if the root CA is installed locally, try running Node\.js with --use-system-ca/, '')
    .replace(/\s*\(\d{4}-\d\d-\d\dT[\d:.]+Z\)/g, '')
    .replace(/\.?\s*Resolution note:\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Whether etcd `version` answers a progress request in order with the watch's events. Before 3.4.24
 * and 3.5.8 (etcd issue 15220) the answer bypassed the events still queued for a watcher that was
 * catching up, so it could name a revision whose events had not arrived: a cache that trusted it
 * served lists missing acknowledged writes. Debian 12 ships 3.4.23.
 */
export function progressNoticesOrdered(version: string): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (major !== 3) return major > 3;
  if (minor === 4) return patch >= 24;
  if (minor === 5) return patch >= 8;
  return minor > 5;
}
