/**
 * The host's resolvers, read from resolv.conf (`nameserver` lines), and `host[:port]` upstream
 * lists from flags. A resolv.conf that names only this machine's own stub (127.0.0.53 of
 * systemd-resolved, say) is used as is: the caller decides whether that loops back to itself.
 */
import { readFileSync } from 'node:fs';
import { isIP, isIPv6 } from 'node:net';
import type { Endpoint } from './exchange.ts';

/** `nameserver` addresses of a resolv.conf text, in order, on port 53. */
export function parseResolvConf(text: string): Endpoint[] {
  const out: Endpoint[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const m = /^nameserver\s+(\S+)$/.exec(line);
    if (!m) continue;
    // A scoped IPv6 address (fe80::1%eth0) keeps its zone for the socket.
    const host = m[1]!;
    if (isIP(host.replace(/%.*$/, ''))) out.push({ host, port: 53 });
  }
  return out;
}

/** The resolvers of the file at `path` (default /etc/resolv.conf); [] when it cannot be read. */
export function hostResolvers(path = '/etc/resolv.conf'): Endpoint[] {
  try {
    return parseResolvConf(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}

/** Parses `1.1.1.1,8.8.8.8:5353,[::1]:53` into endpoints; throws on anything else. */
export function parseUpstreams(list: string): Endpoint[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
      let host = s;
      let port = 53;
      if (bracket) {
        host = bracket[1]!;
        if (bracket[2]) port = Number(bracket[2]);
      } else if (!isIPv6(s)) {
        const colon = s.lastIndexOf(':');
        if (colon > 0) {
          host = s.slice(0, colon);
          port = Number(s.slice(colon + 1));
        }
      }
      if (!isIP(host) || !Number.isInteger(port) || port < 1 || port > 65535)
        throw new Error(`upstream ${JSON.stringify(s)}: want IP[:port] or [IPv6]:port`);
      return { host, port };
    });
}

/** Parses a `host:port` listen address (`[::1]:53` for IPv6). */
export function parseListen(s: string): Endpoint {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(s);
  const host = m?.[1] ?? m?.[2];
  const port = Number(m?.[3]);
  if (!host || !isIP(host) || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`listen address ${JSON.stringify(s)}: want IP:port`);
  return { host, port };
}
