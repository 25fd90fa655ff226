/**
 * DNS message encoder and decoder. Decoding checks every length (a malformed packet throws
 * DnsFormatError, never anything else); encoding compresses names wherever RFC 1035 allows it
 * (owner names and the rdata names of NS, CNAME, PTR, SOA and MX — not SRV, per RFC 2782) and can
 * cut a response to a size limit, setting TC, so a UDP client knows to ask again over TCP.
 */
import { formatIPv4, formatIPv6, ipv4Bytes, ipv6Bytes } from './address.ts';
import {
  RRType,
  type Edns,
  type EdnsOption,
  type Flags,
  type Message,
  type Question,
  type ResourceRecord,
} from './message.ts';
import { DnsEncodeError, DnsFormatError, Reader, Writer } from './wire.ts';

/** Size of the fixed header. */
export const HEADER_SIZE = 12;

function flagsWord(m: Message): number {
  const f = m.flags;
  return (
    (f.qr ? 0x8000 : 0) |
    ((m.opcode & 0xf) << 11) |
    (f.aa ? 0x0400 : 0) |
    (f.tc ? 0x0200 : 0) |
    (f.rd ? 0x0100 : 0) |
    (f.ra ? 0x0080 : 0) |
    (f.ad ? 0x0020 : 0) |
    (f.cd ? 0x0010 : 0) |
    (m.rcode & 0xf)
  );
}

function parseFlags(w: number): Flags {
  return {
    qr: (w & 0x8000) !== 0,
    aa: (w & 0x0400) !== 0,
    tc: (w & 0x0200) !== 0,
    rd: (w & 0x0100) !== 0,
    ra: (w & 0x0080) !== 0,
    ad: (w & 0x0020) !== 0,
    cd: (w & 0x0010) !== 0,
  };
}

function writeRecord(w: Writer, rr: ResourceRecord): void {
  w.name(rr.name);
  w.u16(rr.type);
  w.u16(rr.class);
  w.u32(rr.ttl);
  const lenAt = w.pos;
  w.u16(0);
  const start = w.pos;
  writeRdata(w, rr);
  w.patch16(lenAt, w.pos - start);
}

function writeRdata(w: Writer, rr: ResourceRecord): void {
  if ('raw' in rr) return w.bytes(rr.raw);
  switch (rr.type) {
    case RRType.A: {
      const b = ipv4Bytes(rr.address);
      if (!b) throw new DnsEncodeError(`A record ${rr.name}: not an IPv4 address: ${rr.address}`);
      return w.bytes(b);
    }
    case RRType.AAAA: {
      const b = ipv6Bytes(rr.address);
      if (!b) throw new DnsEncodeError(`AAAA record ${rr.name}: not an IPv6 address: ${rr.address}`);
      return w.bytes(b);
    }
    case RRType.NS:
    case RRType.CNAME:
    case RRType.PTR:
      return w.name(rr.target);
    case RRType.SOA:
      w.name(rr.mname);
      w.name(rr.rname);
      for (const n of [rr.serial, rr.refresh, rr.retry, rr.expire, rr.minimum]) w.u32(n);
      return;
    case RRType.MX:
      w.u16(rr.preference);
      return w.name(rr.exchange);
    case RRType.TXT:
      for (const t of rr.texts) {
        if (t.length > 255) throw new DnsEncodeError(`TXT record ${rr.name}: string over 255 octets`);
        w.u8(t.length);
        w.bytes(t);
      }
      return;
    case RRType.SRV:
      w.u16(rr.priority);
      w.u16(rr.weight);
      w.u16(rr.port);
      return w.name(rr.target, false);
  }
}

function writeOpt(w: Writer, e: Edns, rcode: number): void {
  w.u8(0);
  w.u16(RRType.OPT);
  w.u16(Math.max(512, e.udpSize));
  w.u8((rcode >> 4) & 0xff);
  w.u8(e.version);
  w.u16(e.do ? 0x8000 : 0);
  let len = 0;
  for (const o of e.options) len += 4 + o.data.length;
  w.u16(len);
  for (const o of e.options) {
    w.u16(o.code);
    w.u16(o.data.length);
    w.bytes(o.data);
  }
}

// Encoding is synchronous, so one scratch writer serves every call.
const scratch = new Writer(65_536);

function encodeInto(w: Writer, m: Message, withRecords: boolean): void {
  w.reset();
  const an = withRecords ? m.answers : [];
  const ns = withRecords ? m.authorities : [];
  const ar = withRecords ? m.additionals : [];
  w.u16(m.id);
  w.u16(flagsWord(m) | (withRecords ? 0 : 0x0200));
  w.u16(m.questions.length);
  w.u16(an.length);
  w.u16(ns.length);
  w.u16(ar.length + (m.edns ? 1 : 0));
  for (const q of m.questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.class);
  }
  for (const rr of an) writeRecord(w, rr);
  for (const rr of ns) writeRecord(w, rr);
  for (const rr of ar) writeRecord(w, rr);
  if (m.edns) writeOpt(w, m.edns, m.rcode);
}

/**
 * The wire form of `m`. With `maxSize`, a message that would be longer is sent with its header,
 * question and OPT record only and the TC bit set (RFC 2181 §9: a truncated answer is not used).
 * Throws DnsEncodeError for records that cannot be encoded.
 */
export function encodeMessage(m: Message, maxSize = 65_535): Buffer {
  encodeInto(scratch, m, true);
  if (scratch.pos > maxSize) encodeInto(scratch, m, false);
  if (scratch.pos > 65_535) throw new DnsEncodeError('message longer than 65535 octets');
  return scratch.result();
}

function readQuestion(r: Reader): Question {
  const name = r.name();
  return { name, type: r.u16(), class: r.u16() };
}

function readRdata(
  r: Reader,
  base: { name: string; class: number; ttl: number },
  type: number,
  len: number,
): ResourceRecord {
  const end = r.pos + len;
  r.need(len);
  let rr: ResourceRecord;
  switch (type) {
    case RRType.A:
      if (len !== 4) throw new DnsFormatError(`A record with ${len} octets`);
      rr = { ...base, type, address: formatIPv4(r.buf, r.pos) };
      r.pos = end;
      return rr;
    case RRType.AAAA:
      if (len !== 16) throw new DnsFormatError(`AAAA record with ${len} octets`);
      rr = { ...base, type, address: formatIPv6(r.buf, r.pos) };
      r.pos = end;
      return rr;
    case RRType.NS:
    case RRType.CNAME:
    case RRType.PTR:
      rr = { ...base, type, target: r.name() };
      break;
    case RRType.SOA:
      rr = {
        ...base,
        type,
        mname: r.name(),
        rname: r.name(),
        serial: r.u32(),
        refresh: r.u32(),
        retry: r.u32(),
        expire: r.u32(),
        minimum: r.u32(),
      };
      break;
    case RRType.MX:
      rr = { ...base, type, preference: r.u16(), exchange: r.name() };
      break;
    case RRType.TXT: {
      const texts: Buffer[] = [];
      while (r.pos < end) texts.push(r.bytes(r.u8()));
      rr = { ...base, type, texts };
      break;
    }
    case RRType.SRV:
      rr = { ...base, type, priority: r.u16(), weight: r.u16(), port: r.u16(), target: r.name() };
      break;
    default:
      return { ...base, type, raw: r.bytes(len) };
  }
  if (r.pos !== end) throw new DnsFormatError(`${base.name}: rdata length ${len} does not match its content`);
  return rr;
}

function readOptions(r: Reader, len: number): EdnsOption[] {
  const end = r.pos + len;
  r.need(len);
  const out: EdnsOption[] = [];
  while (r.pos < end) {
    const code = r.u16();
    const n = r.u16();
    if (r.pos + n > end) throw new DnsFormatError('EDNS option runs past its record');
    out.push({ code, data: r.bytes(n) });
  }
  return out;
}

/** Decodes a whole message; throws DnsFormatError for anything malformed (and only that). */
export function decodeMessage(buf: Buffer): Message {
  const r = new Reader(buf);
  try {
    const id = r.u16();
    const word = r.u16();
    const counts = [r.u16(), r.u16(), r.u16(), r.u16()] as const;
    const m: Message = {
      id,
      opcode: (word >> 11) & 0xf,
      rcode: word & 0xf,
      flags: parseFlags(word),
      questions: [],
      answers: [],
      authorities: [],
      additionals: [],
    };
    for (let i = 0; i < counts[0]; i++) m.questions.push(readQuestion(r));
    const sections = [m.answers, m.authorities, m.additionals];
    for (let s = 0; s < 3; s++) {
      for (let i = 0; i < counts[s + 1]!; i++) {
        const name = r.name();
        const type = r.u16();
        const klass = r.u16();
        const ttl = r.u32();
        const len = r.u16();
        if (type === RRType.OPT) {
          if (s !== 2 || name !== '' || m.edns) throw new DnsFormatError('misplaced or repeated OPT record');
          m.edns = {
            udpSize: klass,
            extendedRcode: ttl >>> 24,
            version: (ttl >>> 16) & 0xff,
            do: (ttl & 0x8000) !== 0,
            options: readOptions(r, len),
          };
          m.rcode |= m.edns.extendedRcode << 4;
          continue;
        }
        sections[s]!.push(readRdata(r, { name, class: klass, ttl }, type, len));
      }
    }
    return m;
  } catch (err) {
    if (err instanceof DnsFormatError) throw err;
    // Bounds are checked before every read; anything else is still a malformed packet, not a crash.
    throw new DnsFormatError(`malformed message: ${(err as Error).message}`);
  }
}
