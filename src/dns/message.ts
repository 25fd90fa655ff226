/**
 * The DNS message model (RFC 1035, EDNS0 from RFC 6891): header flags, questions, resource records
 * of the types cluster DNS serves or passes through, and the numbers that name them. Names are
 * written without the trailing dot ('' is the root); lookups compare them in lower case.
 */

/** Record types by their mnemonic. */
export const RRType = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  ANY: 255,
} as const;

/** The mnemonic of a type number (TYPEnnn for the ones not listed, as RFC 3597 writes them). */
export function typeName(type: number): string {
  for (const [k, v] of Object.entries(RRType)) if (v === type) return k;
  return `TYPE${type}`;
}

/** The type number of a mnemonic or TYPEnnn, or undefined. */
export function typeNumber(name: string): number | undefined {
  const up = name.toUpperCase();
  if (up in RRType) return RRType[up as keyof typeof RRType];
  const m = /^TYPE(\d{1,5})$/.exec(up);
  return m ? Number(m[1]) : undefined;
}

/** The Internet class; the only one served. */
export const CLASS_IN = 1;

/** Response codes (the low 4 bits in the header; BADVERS needs the EDNS extension). */
export const Rcode = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  BADVERS: 16,
} as const;

/** Opcode of a standard query. */
export const OPCODE_QUERY = 0;

/** Header bits other than id, opcode and rcode. */
export interface Flags {
  /** Response (QR). */
  qr: boolean;
  /** Authoritative answer. */
  aa: boolean;
  /** Truncated: the answer did not fit; ask again over TCP. */
  tc: boolean;
  /** Recursion desired (copied from the query). */
  rd: boolean;
  /** Recursion available. */
  ra: boolean;
  /** Authentic data (DNSSEC); passed through, never set by cluster DNS. */
  ad: boolean;
  /** Checking disabled (DNSSEC); passed through. */
  cd: boolean;
}

export interface Question {
  name: string;
  type: number;
  class: number;
}

interface RecordBase {
  name: string;
  class: number;
  /** Seconds. */
  ttl: number;
}

/** A record; `type` says which fields the data has. Types not modelled keep their rdata as bytes. */
export type ResourceRecord = RecordBase &
  (
    | { type: typeof RRType.A | typeof RRType.AAAA; address: string }
    | { type: typeof RRType.NS | typeof RRType.CNAME | typeof RRType.PTR; target: string }
    | {
        type: typeof RRType.SOA;
        mname: string;
        rname: string;
        serial: number;
        refresh: number;
        retry: number;
        expire: number;
        minimum: number;
      }
    | { type: typeof RRType.MX; preference: number; exchange: string }
    | { type: typeof RRType.TXT; texts: Buffer[] }
    | { type: typeof RRType.SRV; priority: number; weight: number; port: number; target: string }
    | { type: number & {}; raw: Buffer }
  );

/** One EDNS option (code and opaque value). */
export interface EdnsOption {
  code: number;
  data: Buffer;
}

/** The EDNS0 OPT pseudo-record of a message, decoded. */
export interface Edns {
  /** The largest UDP payload the sender can take. */
  udpSize: number;
  /** The upper 8 bits of the 12-bit rcode. */
  extendedRcode: number;
  version: number;
  /** DNSSEC OK. */
  do: boolean;
  options: EdnsOption[];
}

export interface Message {
  id: number;
  opcode: number;
  /** The full rcode (extended bits included when EDNS carries them). */
  rcode: number;
  flags: Flags;
  questions: Question[];
  answers: ResourceRecord[];
  authorities: ResourceRecord[];
  /** Additional records, without the OPT record (that is `edns`). */
  additionals: ResourceRecord[];
  edns?: Edns;
}

/** Header flags all off. */
export function noFlags(): Flags {
  return { qr: false, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false };
}

/** A query for `name`/`type` with recursion desired, as a stub resolver sends it. */
export function query(id: number, name: string, type: number, edns?: Partial<Edns>): Message {
  const m: Message = {
    id,
    opcode: OPCODE_QUERY,
    rcode: 0,
    flags: { ...noFlags(), rd: true },
    questions: [{ name, type, class: CLASS_IN }],
    answers: [],
    authorities: [],
    additionals: [],
  };
  if (edns) m.edns = { udpSize: 1232, extendedRcode: 0, version: 0, do: false, options: [], ...edns };
  return m;
}

/** An empty response to `req`: same id, opcode, question and RD bit; QR set. */
export function responseTo(req: Message, rcode: number): Message {
  return {
    id: req.id,
    opcode: req.opcode,
    rcode,
    flags: { ...noFlags(), qr: true, rd: req.flags.rd, cd: req.flags.cd },
    questions: req.questions.slice(0, 1),
    answers: [],
    authorities: [],
    additionals: [],
  };
}
