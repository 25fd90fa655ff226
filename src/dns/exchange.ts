/**
 * One query, one answer, as a client: over UDP through a shared socket that matches replies by
 * message id and source address (many queries in flight at once), or over TCP with the two-byte
 * length framing of RFC 1035 §4.2.2. The forwarder, the tests and the benchmark all use it.
 */
import { createSocket, type Socket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';

/** A DNS server address. */
export interface Endpoint {
  host: string;
  port: number;
}

/** No answer within the timeout. */
export class DnsTimeoutError extends Error {
  override name = 'DnsTimeoutError';
}

interface Pending {
  host: string;
  port: number;
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** A UDP client socket (one per address family, opened on first use) with many queries in flight. */
export class UdpExchange {
  private readonly sockets = new Map<'udp4' | 'udp6', Socket>();
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  /** Number of queries waiting for an answer. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Sends `query` (its id is rewritten to a free random one) and resolves with the first reply from
   * `to` carrying that id. The reply keeps the id used on the wire; callers restore their own.
   */
  exchange(query: Buffer, to: Endpoint, timeoutMs: number): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('exchange closed'));
    if (query.length < 12) return Promise.reject(new Error('a DNS message is at least 12 octets'));
    let id = (Math.random() * 0x10000) | 0;
    for (let i = 0; this.pending.has(id); i++) {
      if (i > 100) return Promise.reject(new Error('too many queries in flight'));
      id = (Math.random() * 0x10000) | 0;
    }
    const wire = Buffer.from(query);
    wire.writeUInt16BE(id, 0);
    const sock = this.socket(isIPv6(to.host) ? 'udp6' : 'udp4');
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new DnsTimeoutError(`no answer from ${to.host}:${to.port} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { host: to.host, port: to.port, resolve, reject, timer });
      sock.send(wire, to.port, to.host, (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(err);
      });
    });
  }

  private socket(type: 'udp4' | 'udp6'): Socket {
    let s = this.sockets.get(type);
    if (s) return s;
    s = createSocket(type);
    s.on('message', (msg, rinfo) => {
      if (msg.length < 12) return;
      const p = this.pending.get(msg.readUInt16BE(0));
      // A reply must come from where the query went: anything else may be spoofed.
      if (!p || p.port !== rinfo.port || !sameHost(p.host, rinfo.address)) return;
      clearTimeout(p.timer);
      this.pending.delete(msg.readUInt16BE(0));
      p.resolve(msg);
    });
    s.on('error', (err) => {
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        this.pending.delete(id);
        p.reject(err);
      }
    });
    s.unref();
    this.sockets.set(type, s);
    return s;
  }

  /** Fails everything in flight and closes the sockets. */
  close(): void {
    this.closed = true;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new Error('exchange closed'));
    }
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }
}

function sameHost(a: string, b: string): boolean {
  if (a === b) return true;
  if (a === 'localhost') return b === '127.0.0.1' || b === '::1';
  return b === `::ffff:${a}`;
}

/** Sends one query over a fresh TCP connection and resolves with the one answer. */
export function tcpExchange(query: Buffer, to: Endpoint, timeoutMs: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const sock = connect({ host: to.host, port: to.port });
    const frames = new FrameReader();
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new DnsTimeoutError(`no TCP answer from ${to.host}:${to.port} in ${timeoutMs} ms`));
    }, timeoutMs);
    sock.on('connect', () => sock.write(frame(query)));
    sock.on('data', (chunk) => {
      const [first] = frames.push(chunk);
      if (!first) return;
      clearTimeout(timer);
      sock.end();
      resolve(first);
    });
    sock.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      reject(new Error(`${to.host}:${to.port} closed the TCP connection without an answer`));
    });
  });
}

/** A message with its two-byte length prefix. */
export function frame(msg: Buffer): Buffer {
  const out = Buffer.allocUnsafe(msg.length + 2);
  out.writeUInt16BE(msg.length, 0);
  msg.copy(out, 2);
  return out;
}

/** Splits a TCP byte stream into length-prefixed messages. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  /** Adds bytes; returns every message now complete. */
  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    let off = 0;
    while (this.buf.length - off >= 2) {
      const len = this.buf.readUInt16BE(off);
      if (this.buf.length - off - 2 < len) break;
      out.push(Buffer.from(this.buf.subarray(off + 2, off + 2 + len)));
      off += 2 + len;
    }
    this.buf = off === this.buf.length ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(off));
    return out;
  }

  /** Bytes held back waiting for the rest of a message. */
  get buffered(): number {
    return this.buf.length;
  }
}
