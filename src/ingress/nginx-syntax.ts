/**
 * The only ways user-supplied text reaches the nginx configuration. Every value is either checked
 * against a narrow pattern (host names, identifiers, sizes, addresses) or written as a double-quoted
 * nginx string with `\` and `"` escaped and control characters refused — so no Ingress, Service,
 * EndpointSlice or annotation can end a directive, open a block or start a comment.
 */
import { isIP } from 'node:net';

/** Thrown for a value that cannot be written into the configuration safely. */
export class UnsafeValueError extends Error {}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** True when `s` holds no control characters (newline, NUL, tab...). */
export function isPrintable(s: string): boolean {
  return !CONTROL.test(s);
}

/**
 * `s` as a double-quoted nginx string. nginx's parser turns `\\` into `\` and `\"` into `"` inside
 * quotes and leaves other backslashes alone, so escaping exactly those two round-trips any text.
 * Control characters are refused: a newline or tab would change what nginx reads.
 */
export function quote(s: string): string {
  if (!isPrintable(s)) throw new UnsafeValueError(`control characters are not allowed: ${JSON.stringify(s)}`);
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const HOST = new RegExp(`^(\\*\\.)?${LABEL}(\\.${LABEL})*$`);

/** A DNS host name, optionally with a leading `*.` wildcard label (what Ingress rules allow). */
export function isHost(s: string): boolean {
  return s.length > 0 && s.length <= 253 && HOST.test(s);
}

/** A DNS-1123 label or IANA port name: the pieces upstream names are built from. */
export function isIdentifier(s: string): boolean {
  return s.length > 0 && s.length <= 63 && new RegExp(`^${LABEL}$`).test(s);
}

/** Escapes regex metacharacters so `s` matches literally in a PCRE pattern. */
export function regexLiteral(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The server_name for a rule host: the name itself, or for `*.example.com` a regex matching exactly
 * one more label — Kubernetes' wildcard covers one label, nginx's `*.` would cover any number.
 */
export function serverName(host: string): string {
  if (!isHost(host)) throw new UnsafeValueError(`invalid host ${JSON.stringify(host)}`);
  if (!host.startsWith('*.')) return host;
  return `~^[^.]+${regexLiteral(host.slice(1))}$`;
}

/** An Exact or Prefix path: absolute, printable, no whitespace. */
export function isPlainPath(s: string): boolean {
  return s.startsWith('/') && s.length <= 2048 && isPrintable(s) && !/\s/.test(s);
}

/** An ImplementationSpecific regex path: printable, no whitespace, and a pattern JavaScript can compile. */
export function isRegexPath(s: string): boolean {
  if (!s.startsWith('/') || s.length > 2048 || !isPrintable(s) || /\s/.test(s)) return false;
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}

/** An address endpoints may use: a literal IPv4 or IPv6 address, nothing else. */
export function isAddress(s: string): boolean {
  return isIP(s) !== 0;
}

/** `ip:port`, bracketing IPv6 addresses. */
export function hostPort(ip: string, port: number): string {
  if (!isAddress(ip) || !isPort(port)) throw new UnsafeValueError(`invalid endpoint ${ip}:${port}`);
  return isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** A TCP port number. */
export function isPort(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/** An IPv4/IPv6 address or CIDR, as whitelist-source-range takes them. */
export function isCidr(s: string): boolean {
  const slash = s.indexOf('/');
  const ip = slash < 0 ? s : s.slice(0, slash);
  const family = isIP(ip);
  if (family === 0) return false;
  if (slash < 0) return true;
  const bits = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** An nginx size: digits with an optional k/m/g unit (proxy-body-size). */
export function isSize(s: string): boolean {
  return /^\d{1,12}[kKmMgG]?$/.test(s);
}

/**
 * A listen address: `PORT`, `IPv4:PORT` or `[IPv6]:PORT`. Returns the nginx `listen` argument
 * (without flags) and the port.
 */
export function parseListen(s: string): { address: string; port: number } {
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]|\*):)?(\d{1,5})$/.exec(s.trim());
  const port = Number(m?.[2]);
  if (!m || !isPort(port)) throw new UnsafeValueError(`invalid listen address ${JSON.stringify(s)}`);
  const host = m[1];
  if (host && host !== '*' && !isAddress(host.replace(/^\[|\]$/g, '')))
    throw new UnsafeValueError(`invalid listen address ${JSON.stringify(s)}`);
  return { address: host && host !== '*' ? `${host}:${port}` : String(port), port };
}
