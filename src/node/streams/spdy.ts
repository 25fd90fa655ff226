/**
 * Just enough of a SPDY/3.1 client to drive the container runtime's stream server, which speaks
 * SPDY (and, for WebSocket, only the v4 channel protocol, which cannot close stdin on its own — so
 * `kubectl exec -i … cat` would never see end of input). The agent opens one stream per channel
 * (error, stdin, stdout, stderr, resize), each named by a `streamtype` header, and half-closes stdin
 * with FIN, as Kubernetes' own client does.
 *
 * Only the client side and only what that needs: SYN_STREAM out, SYN_REPLY / DATA / RST_STREAM /
 * GOAWAY / PING in. Header blocks must be zlib streams; ours are stored (uncompressed) deflate
 * blocks of one zlib stream, which every inflater reads, so no shared dictionary is needed. Header
 * blocks the server sends are not decoded: nothing in them matters here. The runtime (Go's
 * spdystream) keeps no flow-control windows, so neither do we. Data written before the server
 * replied to a stream is queued: the server drops data on streams it has not replied to yet.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';

const version = 3;
const T = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goaway: 7,
  headers: 8,
  windowUpdate: 9,
};
const flagFin = 0x01;
const maxData = 0xffffff;

/** Builds the 8-byte header of a control frame plus its payload. */
export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x8000 | version, 0);
  h.writeUInt16BE(type, 2);
  h[4] = flags;
  h.writeUIntBE(payload.length, 5, 3);
  return Buffer.concat([h, payload]);
}

/** Builds a data frame. */
export function dataFrame(streamId: number, flags: number, data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32BE(streamId & 0x7fffffff, 0);
  h[4] = flags;
  h.writeUIntBE(data.length, 5, 3);
  return Buffer.concat([h, data]);
}

/** The uncompressed name/value block of SPDY/3: 32-bit count, then 32-bit length-prefixed pairs. */
export function headerBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const entries = Object.entries(headers);
  parts.push(u32(entries.length));
  for (const [k, v] of entries) {
    const name = Buffer.from(k.toLowerCase());
    const value = Buffer.from(v);
    parts.push(u32(name.length), name, u32(value.length), value);
  }
  return Buffer.concat(parts);
}

/**
 * One direction's zlib stream, written as stored deflate blocks: the zlib header once, then each
 * block as `00 LEN NLEN data` (LEN little-endian, NLEN its complement), never final, each header
 * block closed by an empty stored block (the sync-flush marker).
 */
export class StoredZlibWriter {
  private started = false;

  block(data: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      parts.push(Buffer.from([0x78, 0x01]));
      this.started = true;
    }
    const stored = (piece: Buffer) => {
      const h = Buffer.alloc(5);
      h.writeUInt16LE(piece.length, 1);
      h.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(h, piece);
    };
    for (let off = 0; off < data.length; off += 0xffff) stored(data.subarray(off, off + 0xffff));
    // An empty stored block ends each header block, as a sync flush does: inflaters hand out what
    // they hold when they see it, instead of waiting for the next block's first bits.
    stored(Buffer.alloc(0));
    return Buffer.concat(parts);
  }
}

/** One client-initiated stream. Events: 'data' (Buffer), 'end' (the server finished or reset it). */
export class SpdyStream extends EventEmitter {
  readonly id: number;
  private readonly session: SpdySession;
  private replied = false;
  private queued: Buffer[] = [];
  private endQueued = false;
  private localEnded = false;
  private remoteEnded = false;

  constructor(session: SpdySession, id: number) {
    super();
    this.session = session;
    this.id = id;
  }

  write(data: Buffer): void {
    if (this.localEnded || this.endQueued || !data.length) return;
    if (!this.replied) this.queued.push(data);
    else this.session.send(dataChunks(this.id, data, false));
  }

  /** Half-closes our side (FIN): for stdin, the end of input. */
  end(): void {
    if (this.localEnded || this.endQueued) return;
    if (!this.replied) this.endQueued = true;
    else this.finish();
  }

  /** @internal the server accepted the stream: queued data goes out. */
  onReply(): void {
    if (this.replied) return;
    this.replied = true;
    for (const d of this.queued.splice(0)) this.session.send(dataChunks(this.id, d, false));
    if (this.endQueued) this.finish();
  }

  /** @internal */
  onRemoteEnd(): void {
    if (this.remoteEnded) return;
    this.remoteEnded = true;
    this.emit('end');
  }

  private finish(): void {
    this.localEnded = true;
    this.session.send(dataFrame(this.id, flagFin, Buffer.alloc(0)));
  }
}

function dataChunks(id: number, data: Buffer, fin: boolean): Buffer {
  const out: Buffer[] = [];
  for (let off = 0; off < data.length; off += maxData) {
    const last = off + maxData >= data.length;
    out.push(dataFrame(id, last && fin ? flagFin : 0, data.subarray(off, off + maxData)));
  }
  return Buffer.concat(out);
}

/** A SPDY session over an upgraded connection. Events: 'close' (once, when the connection ends). */
export class SpdySession extends EventEmitter {
  private readonly socket: Duplex;
  private readonly streams = new Map<number, SpdyStream>();
  private readonly zlib = new StoredZlibWriter();
  private nextId = 1;
  private buf: Buffer = Buffer.alloc(0);
  private closed = false;

  constructor(socket: Duplex, head?: Buffer) {
    super();
    this.socket = socket;
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onClose());
    // The far end finished: nothing more can arrive.
    socket.on('end', () => {
      socket.end();
      this.onClose();
    });
    if (head?.length) this.onData(head);
  }

  /** Opens a stream carrying `headers` (e.g. `{ streamtype: 'stdout' }`). */
  openStream(headers: Record<string, string>): SpdyStream {
    const id = this.nextId;
    this.nextId += 2;
    const s = new SpdyStream(this, id);
    this.streams.set(id, s);
    const p = Buffer.alloc(10);
    p.writeUInt32BE(id, 0);
    p.writeUInt32BE(0, 4);
    p[8] = 0; // priority 0 (highest), unused bits, slot 0
    this.send(controlFrame(T.synStream, 0, Buffer.concat([p, this.zlib.block(headerBlock(headers))])));
    return s;
  }

  /** @internal */
  send(b: Buffer): void {
    if (!this.closed && !this.socket.destroyed) this.socket.write(b);
  }

  /** Ends the connection (GOAWAY, then close). */
  close(): void {
    if (this.closed) return;
    const p = Buffer.alloc(8);
    p.writeUInt32BE(0, 0);
    this.send(controlFrame(T.goaway, 0, p));
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.onRemoteEnd();
    this.emit('close');
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    while (this.buf.length >= 8) {
      const len = this.buf.readUIntBE(5, 3);
      if (this.buf.length < 8 + len) break;
      const flags = this.buf[4];
      const payload = this.buf.subarray(8, 8 + len);
      if (this.buf[0] & 0x80) this.onControl(this.buf.readUInt16BE(2), flags, payload);
      else {
        const s = this.streams.get(this.buf.readUInt32BE(0) & 0x7fffffff);
        if (s && payload.length) s.emit('data', Buffer.from(payload));
        if (s && flags & flagFin) s.onRemoteEnd();
      }
      this.buf = this.buf.subarray(8 + len);
    }
  }

  private onControl(type: number, flags: number, p: Buffer): void {
    const stream = () => (p.length >= 4 ? this.streams.get(p.readUInt32BE(0) & 0x7fffffff) : undefined);
    switch (type) {
      case T.synReply: {
        const s = stream();
        s?.onReply();
        if (flags & flagFin) s?.onRemoteEnd();
        break;
      }
      case T.headers:
        if (flags & flagFin) stream()?.onRemoteEnd();
        break;
      case T.rstStream: {
        const s = stream();
        s?.onReply(); // a refused stream will never reply; stop queueing for it
        s?.onRemoteEnd();
        break;
      }
      case T.ping:
        // Pings the server starts have even ids; answering with the same frame is the reply.
        if (p.length >= 4 && p.readUInt32BE(0) % 2 === 0) this.send(controlFrame(T.ping, 0, p));
        break;
      case T.synStream: {
        // The server may not push streams to us: refuse (status 3 = REFUSED_STREAM).
        const r = Buffer.alloc(8);
        r.writeUInt32BE(p.readUInt32BE(0) & 0x7fffffff, 0);
        r.writeUInt32BE(3, 4);
        this.send(controlFrame(T.rstStream, 0, r));
        break;
      }
      default: // SETTINGS, WINDOW_UPDATE, GOAWAY: nothing to do
    }
  }
}
