/**
 * `WWW-Authenticate` challenges, both ways: the registry formats its Bearer challenge (realm,
 * service, scope, and `error="insufficient_scope"` when a token fell short), and the pull-through
 * cache parses an upstream registry's challenge to find where to get its token. Parameter values
 * are quoted strings that may hold commas and escaped quotes.
 */

/** A parsed challenge: the scheme (lower case) and its parameters. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses the first challenge of a `WWW-Authenticate` header; undefined when there is none. */
export function parseChallenge(header: string | undefined): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /\s*([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?/gy;
  const rest = m[2]!;
  let p: RegExpExecArray | null;
  while ((p = re.exec(rest)) !== null && p[0] !== '') {
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
  }
  return { scheme: m[1]!.toLowerCase(), params };
}

const quote = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;

/** The registry's Bearer challenge. `scope` lists the scopes the refused request needs. */
export function bearerChallenge(opts: {
  realm: string;
  service: string;
  scope?: readonly string[];
  error?: 'invalid_token' | 'insufficient_scope';
}): string {
  const parts = [`realm=${quote(opts.realm)}`, `service=${quote(opts.service)}`];
  if (opts.scope && opts.scope.length > 0) parts.push(`scope=${quote(opts.scope.join(' '))}`);
  if (opts.error) parts.push(`error=${quote(opts.error)}`);
  return `Bearer ${parts.join(',')}`;
}
