/**
 * Encoded cluster answers, reused byte for byte. Most queries a cluster DNS sees repeat a few
 * names, and a cluster answer depends only on the question (name in any case, type), on whether
 * the query has EDNS and the size it allows, and on the index state. So the encoded response is
 * kept under that key for as long as the index generation is unchanged, and a repeat costs one
 * scan of the question, a copy and a few byte patches: the client's id, its RD and CD bits, and
 * its spelling of the question (owner names point at the question, so they follow).
 *
 * Only plain queries take this path (one question, no answer/authority records, at most an OPT
 * record of version 0 without options); everything else goes through the full decoder.
 */

/** Where the key came from in the query, to patch a cached response with. */
export interface QueryKey {
  key: string;
  /** End of the question (after QTYPE and QCLASS). */
  questionEnd: number;
}

const HEADER = 12;

/**
 * The cache key of a plain query, or undefined when the query needs the full path. `limit` maps
 * the EDNS size (undefined: no EDNS) to the size limit the answer is encoded for on this transport.
 */
export function queryKey(buf: Buffer, limit: (ednsSize: number | undefined) => number): QueryKey | undefined {
  const len = buf.length;
  if (len < HEADER + 5) return undefined;
  // QR=0, opcode QUERY; qdcount 1, ancount 0, nscount 0, arcount 0 or 1.
  if ((buf[2]! & 0xf8) !== 0 || buf[4] !== 0 || buf[5] !== 1 || buf[6] !== 0 || buf[7] !== 0)
    return undefined;
  if (buf[8] !== 0 || buf[9] !== 0 || buf[10] !== 0 || buf[11]! > 1) return undefined;
  let pos = HEADER;
  for (;;) {
    if (pos >= len) return undefined;
    const l = buf[pos]!;
    if (l === 0) break;
    if (l > 63) return undefined; // a pointer or an extended label: full path
    pos += l + 1;
  }
  const nameEnd = pos + 1;
  const questionEnd = nameEnd + 4;
  if (questionEnd > len) return undefined;
  let ednsSize: number | undefined;
  if (buf[11] === 1) {
    // OPT: root name, type 41, class = size, ttl = ext-rcode/version/flags, rdlength 0.
    if (questionEnd + 11 !== len || buf[questionEnd] !== 0) return undefined;
    if (buf.readUInt16BE(questionEnd + 1) !== 41) return undefined;
    if (buf[questionEnd + 5] !== 0 || buf[questionEnd + 6] !== 0) return undefined; // ext rcode, version
    if (buf.readUInt16BE(questionEnd + 9) !== 0) return undefined; // options: full path
    ednsSize = buf.readUInt16BE(questionEnd + 3);
  } else if (questionEnd !== len) return undefined;
  const name = buf.toString('latin1', HEADER, nameEnd).toLowerCase();
  const edns = ednsSize === undefined ? 'n' : 'e';
  const key = `${name}|${buf.readUInt16BE(nameEnd)}|${buf.readUInt16BE(nameEnd + 2)}|${edns}${limit(ednsSize)}`;
  return { key, questionEnd };
}

/** Encoded answers valid for one index generation. */
export class AnswerCache {
  private readonly entries = new Map<string, Buffer>();
  private gen = -1;
  private readonly max: number;
  hits = 0;

  constructor(maxEntries = 20_000) {
    this.max = maxEntries;
  }

  /** The answer to the query in `buf`, patched for it, or undefined on a miss. */
  get(k: QueryKey, buf: Buffer, generation: number): Buffer | undefined {
    if (generation !== this.gen) {
      this.entries.clear();
      this.gen = generation;
      return undefined;
    }
    const cached = this.entries.get(k.key);
    if (!cached) return undefined;
    this.hits++;
    const out = Buffer.allocUnsafe(cached.length);
    cached.copy(out);
    out[0] = buf[0]!;
    out[1] = buf[1]!;
    out[2] = (out[2]! & 0xfe) | (buf[2]! & 0x01);
    out[3] = (out[3]! & 0xef) | (buf[3]! & 0x10);
    buf.copy(out, HEADER, HEADER, k.questionEnd);
    return out;
  }

  /** Keeps `answer` (the encoded response to the query keyed `k`) for this generation. */
  put(k: QueryKey, answer: Buffer, generation: number): void {
    if (generation !== this.gen) {
      this.entries.clear();
      this.gen = generation;
    }
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(k.key, answer);
  }
}
