/**
 * The DNS server: UDP and TCP listeners on one address, each query answered from the cluster zone
 * when it is a cluster name and through the forwarder otherwise. Cluster answers are computed
 * synchronously from the in-memory index, so the common path never waits on anything.
 *
 * Over UDP an answer larger than the client can take (512 octets, or its EDNS0 size up to our
 * own limit) is sent truncated with TC set; over TCP each connection carries any number of
 * length-prefixed queries, answered as they complete (RFC 7766 allows any order).
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import type { ClientLogger } from '../client/logger.ts';
import { silentLogger } from '../client/logger.ts';
import { AnswerCache, queryKey, type QueryKey } from './answer-cache.ts';
import { decodeMessage, encodeMessage, HEADER_SIZE } from './codec.ts';
import { frame, FrameReader } from './exchange.ts';
import type { Forwarder } from './forwarder.ts';
import { CLASS_IN, OPCODE_QUERY, Rcode, responseTo, type Message } from './message.ts';
import { DnsFormatError } from './wire.ts';
import type { ClusterZone } from './zone.ts';

export interface DnsServerOptions {
  zone: ClusterZone;
  /** Where names outside the cluster go; without it they are REFUSED. */
  forwarder?: Forwarder;
  /** The EDNS0 UDP payload size advertised and honoured at most (default 1232, the DNS Flag Day value). */
  udpSize?: number;
  /** Close idle TCP connections after this long (default 10 s). */
  tcpIdleMs?: number;
  /**
   * Bind UDP with SO_REUSEPORT, so other sockets (the UDP threads of `UdpThreadPool`) can bind the
   * same address and the kernel spreads queries over them by client address and port.
   */
  reusePort?: boolean;
  logger?: ClientLogger;
}

/** Queries by outcome, for logs and the benchmark. */
export interface DnsServerStats {
  queries: number;
  cluster: number;
  /** Cluster answers replayed from the answer cache (a subset of `cluster`). */
  cached: number;
  forwarded: number;
  truncated: number;
  formerr: number;
  servfail: number;
}

const MAX_TCP = 65_535;

/** dgram's `lookup` for addresses that are already IP literals: answers at once, no dns module. */
function literalLookup(
  address: string,
  _opts: unknown,
  cb: (err: Error | null, address: string, family: number) => void,
): void {
  cb(null, address, address.includes(':') ? 6 : 4);
}

/** A cluster DNS server. Call `listen`, then `close` when done. */
export class DnsServer {
  readonly zone: ClusterZone;
  readonly stats: DnsServerStats = {
    queries: 0,
    cluster: 0,
    cached: 0,
    forwarded: 0,
    truncated: 0,
    formerr: 0,
    servfail: 0,
  };
  private readonly forwarder: Forwarder | undefined;
  private readonly udpSize: number;
  private readonly tcpIdleMs: number;
  private readonly reusePort: boolean;
  private readonly log: ClientLogger;
  private udp: Socket | undefined;
  private tcp: Server | undefined;
  private readonly conns = new Set<TcpSocket>();
  private readonly answers = new AnswerCache();
  private readonly udpLimit = (ednsSize: number | undefined): number => this.limitFor(ednsSize);
  private readonly tcpLimit = (): number => MAX_TCP;

  constructor(opts: DnsServerOptions) {
    this.zone = opts.zone;
    this.forwarder = opts.forwarder;
    this.udpSize = Math.max(512, opts.udpSize ?? 1232);
    this.tcpIdleMs = opts.tcpIdleMs ?? 10_000;
    this.reusePort = opts.reusePort ?? false;
    this.log = opts.logger ?? silentLogger;
  }

  /**
   * The wire answer to one wire query, or undefined when the packet deserves none (too short to
   * carry an id, or itself a response). Over UDP the answer is cut to what the client takes.
   */
  handle(buf: Buffer, transport: 'udp' | 'tcp'): Buffer | Promise<Buffer> | undefined {
    if (buf.length < HEADER_SIZE || (buf[2]! & 0x80) !== 0) return undefined;
    this.stats.queries++;
    const generation = this.zone.index.generation;
    const key = queryKey(buf, transport === 'tcp' ? this.tcpLimit : this.udpLimit);
    if (key) {
      const hit = this.answers.get(key, buf, generation);
      if (hit) {
        this.stats.cluster++;
        this.stats.cached++;
        if ((hit[2]! & 0x02) !== 0) this.stats.truncated++;
        return hit;
      }
    }
    return this.slowPath(buf, transport, key, generation);
  }

  private slowPath(
    buf: Buffer,
    transport: 'udp' | 'tcp',
    key: QueryKey | undefined,
    generation: number,
  ): Buffer | Promise<Buffer> | undefined {
    let req: Message;
    try {
      req = decodeMessage(buf);
    } catch (err) {
      if (!(err instanceof DnsFormatError)) throw err;
      this.stats.formerr++;
      return this.formerr(buf);
    }
    const limit = transport === 'tcp' ? MAX_TCP : this.limitFor(req.edns?.udpSize);
    const q = req.questions[0];
    if (req.opcode !== OPCODE_QUERY) return this.reply(req, Rcode.NOTIMP, limit);
    if (req.questions.length !== 1 || !q) {
      this.stats.formerr++;
      return this.reply(req, Rcode.FORMERR, limit);
    }
    if (req.edns && req.edns.version > 0) return this.reply(req, Rcode.BADVERS, limit);
    if (q.class !== CLASS_IN) return this.reply(req, Rcode.REFUSED, limit);

    const local = this.zone.resolve(q.name, q.type);
    if (local) {
      this.stats.cluster++;
      const res = this.response(req, local.rcode);
      res.flags.aa = true;
      res.answers = local.answers;
      res.authorities = local.authorities;
      res.additionals = local.additionals;
      if (local.chase === undefined || !this.forwarder) {
        const out = this.encode(res, limit);
        // Answers that came from the index alone can be replayed until the index changes.
        if (key && local.chase === undefined) this.answers.put(key, out, generation);
        return out;
      }
      // An ExternalName CNAME: follow the target upstream and append what comes back.
      return this.forwarder.resolve({ name: local.chase, type: q.type, class: CLASS_IN }).then(
        (up) => {
          res.rcode = up.rcode;
          res.answers = [...local.answers, ...up.answers];
          res.authorities = up.authorities;
          res.additionals = up.additionals;
          return this.encode(res, limit);
        },
        () => this.encode(res, limit),
      );
    }
    if (!this.forwarder) return this.reply(req, Rcode.REFUSED, limit);
    this.stats.forwarded++;
    return this.forwarder.resolve(q).then(
      (up) => {
        const res = this.response(req, up.rcode);
        res.answers = up.answers;
        res.authorities = up.authorities;
        res.additionals = up.additionals;
        return this.encode(res, limit);
      },
      (err: unknown) => {
        this.stats.servfail++;
        this.log.warn({ err, name: q.name, type: q.type }, 'upstream resolution failed');
        return this.reply(req, Rcode.SERVFAIL, limit);
      },
    );
  }

  /** The largest UDP answer this client takes: 512 without EDNS, else its size within ours. */
  private limitFor(ednsSize: number | undefined): number {
    return ednsSize === undefined ? 512 : Math.min(Math.max(512, ednsSize), this.udpSize);
  }

  private response(req: Message, rcode: number): Message {
    const res = responseTo(req, rcode);
    res.flags.ra = this.forwarder !== undefined;
    if (req.edns) res.edns = { udpSize: this.udpSize, extendedRcode: 0, version: 0, do: false, options: [] };
    return res;
  }

  private reply(req: Message, rcode: number, limit: number): Buffer {
    const res = this.response(req, rcode);
    if (rcode === Rcode.BADVERS && !res.edns)
      res.edns = { udpSize: this.udpSize, extendedRcode: 0, version: 0, do: false, options: [] };
    return this.encode(res, limit);
  }

  private encode(res: Message, limit: number): Buffer {
    try {
      const out = encodeMessage(res, limit);
      if (out.length >= 3 && (out[2]! & 0x02) !== 0 && !res.flags.tc) this.stats.truncated++;
      return out;
    } catch (err) {
      // A record we cannot encode (say, an ExternalName that is not a valid name): fail this query only.
      this.stats.servfail++;
      this.log.warn({ err, name: res.questions[0]?.name }, 'could not encode a DNS answer');
      const fail = { ...res, rcode: Rcode.SERVFAIL, answers: [], authorities: [], additionals: [] };
      return encodeMessage(fail, limit);
    }
  }

  /** FORMERR for a packet we could not decode: its id and opcode, no question. */
  private formerr(buf: Buffer): Buffer {
    const out = Buffer.alloc(HEADER_SIZE);
    out.writeUInt16BE(buf.readUInt16BE(0), 0);
    out[2] = 0x80 | (buf[2]! & 0x78) | (buf[2]! & 0x01);
    out[3] = Rcode.FORMERR;
    return out;
  }

  /**
   * Binds UDP and TCP on `host:port` (port 0 picks a free port, the same for both). Resolves with
   * the port in use.
   */
  async listen(host: string, port: number): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const udp = await this.bindUdp(host, port);
      const bound = udp.address().port;
      try {
        this.tcp = await this.bindTcp(host, bound);
        this.udp = udp;
        return bound;
      } catch (err) {
        udp.close();
        // With port 0 the TCP side may find the UDP port taken; pick another a few times.
        if (port !== 0 || attempt >= 5) throw err;
      }
    }
  }

  /** Binds UDP only on `host:port` (a UDP thread beside the server that owns TCP). Resolves with the port. */
  async listenUdp(host: string, port: number): Promise<number> {
    this.udp = await this.bindUdp(host, port);
    return this.udp.address().port;
  }

  private bindUdp(host: string, port: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const sock = createSocket({
        type: host.includes(':') ? 'udp6' : 'udp4',
        recvBufferSize: 4 << 20,
        sendBufferSize: 4 << 20,
        reusePort: this.reusePort,
        // Replies go to the address a query came from, always a literal: skip dns.lookup and the
        // tick it defers every send by.
        lookup: literalLookup,
      });
      sock.once('error', reject);
      sock.bind(port, host, () => {
        sock.off('error', reject);
        sock.on('error', (err) => this.log.error({ err }, 'DNS UDP socket error'));
        sock.on('message', (msg, rinfo) => {
          try {
            const out = this.handle(msg, 'udp');
            // The common (cluster, cached) answer is synchronous: send it without a closure.
            if (out instanceof Promise)
              out.then(
                (late) => {
                  if (late) sock.send(late, rinfo.port, rinfo.address);
                },
                (err: unknown) => this.log.error({ err }, 'DNS query failed'),
              );
            else if (out) sock.send(out, rinfo.port, rinfo.address);
          } catch (err) {
            this.log.error({ err }, 'DNS query failed');
          }
        });
        resolve(sock);
      });
    });
  }

  private bindTcp(host: string, port: number): Promise<Server> {
    return new Promise((resolve, reject) => {
      const srv = createServer((conn) => this.serveTcp(conn));
      srv.once('error', reject);
      srv.listen(port, host, () => {
        srv.off('error', reject);
        resolve(srv);
      });
    });
  }

  private serveTcp(conn: TcpSocket): void {
    this.conns.add(conn);
    const frames = new FrameReader();
    conn.setNoDelay(true);
    conn.setTimeout(this.tcpIdleMs, () => conn.destroy());
    conn.on('close', () => this.conns.delete(conn));
    conn.on('error', () => conn.destroy());
    const send = (out: Buffer | undefined): void => {
      if (out && !conn.destroyed) conn.write(frame(out));
    };
    conn.on('data', (chunk) => {
      for (const msg of frames.push(chunk)) {
        try {
          const out = this.handle(msg, 'tcp');
          if (out instanceof Promise)
            out.then(send, (err: unknown) => this.log.error({ err }, 'DNS query failed'));
          else send(out);
        } catch (err) {
          this.log.error({ err }, 'DNS query failed');
          conn.destroy();
        }
      }
    });
  }

  /** Stops listening and closes open TCP connections. */
  async close(): Promise<void> {
    const udp = this.udp;
    this.udp = undefined;
    if (udp) await new Promise<void>((r) => udp.close(() => r()));
    for (const c of this.conns) c.destroy();
    const tcp = this.tcp;
    this.tcp = undefined;
    if (tcp) await new Promise<void>((r) => tcp.close(() => r()));
  }
}
