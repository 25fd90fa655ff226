/** Builders and printers shared by the DNS tests. */
import { createSocket, type Socket as Socket4 } from 'node:dgram';
import { createServer, type Socket } from 'node:net';
import { decodeMessage, encodeMessage } from './codec.ts';
import { frame, FrameReader } from './exchange.ts';
import { responseTo, RRType, typeName, type ResourceRecord } from './message.ts';
import type { EndpointSlice, Service } from './types.ts';

/** A core/v1 Service with `spec`. */
export function service(namespace: string, name: string, spec: Service['spec']): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec };
}

/** An EndpointSlice of `service`, labelled as the EndpointSlice controller labels them. */
export function slice(
  namespace: string,
  service: string,
  name: string,
  endpoints: EndpointSlice['endpoints'],
  ports: EndpointSlice['ports'] = [],
  addressType = 'IPv4',
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace, labels: { 'kubernetes.io/service-name': service } },
    addressType,
    endpoints,
    ports,
  };
}

/** A record as one line: `TYPE data` (owner left out; the table's name is the owner unless said). */
export function show(rr: ResourceRecord): string {
  const t = typeName(rr.type);
  if ('address' in rr) return `${t} ${rr.address}`;
  if ('target' in rr && rr.type === RRType.SRV && 'port' in rr)
    return `SRV ${rr.priority} ${rr.weight} ${rr.port} ${rr.target}`;
  if ('target' in rr) return `${t} ${rr.target}`;
  if ('mname' in rr) return `SOA ${rr.mname}`;
  return t;
}

/** How the fake upstream treats one query. */
export type UpstreamBehaviour =
  | { kind: 'answer'; records?: ResourceRecord[]; rcode?: number; soa?: { ttl: number; minimum: number } }
  | { kind: 'silent' }
  /** Over UDP: an empty reply with TC set; over TCP: the records. */
  | { kind: 'truncate'; records: ResourceRecord[] };

/** A resolver on 127.0.0.1 (UDP and TCP on one port) that answers from a function, for tests. */
export interface FakeUpstream {
  endpoint: { host: string; port: number };
  /** Questions received, as `transport name TYPE`. */
  seen: string[];
  close(): Promise<void>;
}

/** Starts a fake upstream resolver; `behave` decides each answer. */
export async function startFakeUpstream(
  behave: (name: string, type: number) => UpstreamBehaviour,
): Promise<FakeUpstream> {
  const seen: string[] = [];
  const answer = (buf: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined => {
    const req = decodeMessage(buf);
    const q = req.questions[0]!;
    seen.push(`${transport} ${q.name} ${typeName(q.type)}`);
    const b = behave(q.name, q.type);
    if (b.kind === 'silent') return undefined;
    const res = responseTo(req, b.kind === 'answer' ? (b.rcode ?? 0) : 0);
    res.flags.ra = true;
    if (b.kind === 'truncate') {
      if (transport === 'udp') res.flags.tc = true;
      else res.answers = b.records;
      return encodeMessage(res);
    }
    res.answers = (b.records ?? []).map((r) => ({ ...r, name: q.name }));
    if (b.soa)
      res.authorities = [
        {
          name: 'example',
          type: RRType.SOA,
          class: 1,
          ttl: b.soa.ttl,
          mname: 'ns.example',
          rname: 'h.example',
          serial: 1,
          refresh: 1,
          retry: 1,
          expire: 1,
          minimum: b.soa.minimum,
        },
      ];
    return encodeMessage(res);
  };
  const conns = new Set<Socket>();
  const tcp = createServer((c) => {
    conns.add(c);
    const frames = new FrameReader();
    c.on('data', (chunk) => {
      for (const m of frames.push(chunk)) {
        const out = answer(m, 'tcp');
        if (out) c.write(frame(out));
      }
    });
    c.on('close', () => conns.delete(c));
  });
  // The UDP port is the kernel's pick; the same TCP port may be taken by another test's listener,
  // in which case both sockets move to a fresh port (CI once saw EADDRINUSE here).
  let udp: Socket4 | undefined;
  let port = 0;
  for (let attempt = 0; udp === undefined; attempt++) {
    const u = createSocket('udp4');
    await new Promise<void>((r) => u.bind(0, '127.0.0.1', r));
    port = u.address().port;
    const err = await new Promise<Error | undefined>((r) => {
      tcp.once('error', r);
      tcp.listen(port, '127.0.0.1', () => {
        tcp.off('error', r);
        r(undefined);
      });
    });
    if (!err) udp = u;
    else {
      u.close();
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw err;
    }
  }
  const bound = udp;
  bound.on('message', (msg, rinfo) => {
    const out = answer(msg, 'udp');
    if (out) bound.send(out, rinfo.port, rinfo.address);
  });
  return {
    endpoint: { host: '127.0.0.1', port },
    seen,
    async close() {
      for (const c of conns) c.destroy();
      await Promise.all([
        new Promise<void>((r) => bound.close(() => r())),
        new Promise<void>((r) => tcp.close(() => r())),
      ]);
    },
  };
}
