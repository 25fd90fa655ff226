/**
 * Paths to nginx `location` blocks with Kubernetes' matching rules:
 *  - Exact `/foo` → `location = "/foo"`.
 *  - Prefix `/foo` matches by path element (`/foo`, `/foo/bar`, not `/foobar`): `location = "/foo"`
 *    plus `location "/foo/"`; nginx's longest-prefix choice then gives the longest match.
 *  - Regex (ImplementationSpecific with use-regex or a capturing rewrite-target) → `location ~*`.
 * nginx tries regex locations after prefixes, in file order, so a server with any regex path turns
 * its Prefix paths into anchored regexes too, and all regexes are written longest path first.
 * `location /` is always present: the Prefix `/` route, the defaultBackend, or a 404.
 */
import { quote, regexLiteral } from './nginx-syntax.ts';
import type { Route, ServerModel } from './model.ts';

/** One location: its opening line (without `{`) and the route it serves (none: answer 404). */
export interface LocationBlock {
  head: string;
  route?: Route;
}

/** Longest path first, then by path text, then Exact before Prefix before Regex: a stable order. */
function order(a: Route, b: Route): number {
  if (a.path.length !== b.path.length) return b.path.length - a.path.length;
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  const rank = { Exact: 0, Prefix: 1, Regex: 2 };
  return rank[a.match] - rank[b.match];
}

/** The locations of `server`, in the order they are written. */
export function serverLocations(server: ServerModel): LocationBlock[] {
  const regexServer = server.routes.some((r) => r.match === 'Regex');
  const exact = new Set(server.routes.filter((r) => r.match === 'Exact').map((r) => r.path));
  const out: LocationBlock[] = [];
  let root: LocationBlock | undefined;
  for (const route of [...server.routes].sort(order)) {
    if (route.match === 'Exact') out.push({ head: `location = ${quote(route.path)}`, route });
    else if (route.match === 'Regex') out.push({ head: `location ~* ${quote(`^${route.path}`)}`, route });
    else if (route.path === '/') root = { head: 'location /', route };
    else if (regexServer) {
      out.push({ head: `location ~ ${quote(`^${regexLiteral(route.path)}(/|$)`)}`, route });
    } else {
      if (!exact.has(route.path)) out.push({ head: `location = ${quote(route.path)}`, route });
      out.push({ head: `location ${quote(`${route.path}/`)}`, route });
    }
  }
  out.push(root ?? { head: 'location /', route: server.fallback });
  return out;
}

/**
 * The `rewrite` regex for a route with rewrite-target: a Regex route's own pattern (case-insensitive,
 * as its location); for Prefix `^PATH(/|$)(.*)`, so `$2` is the rest of the path; for Exact `^PATH$`.
 */
export function rewriteRegex(route: Route): string {
  if (route.match === 'Regex') return `(?i)^${route.path}`;
  if (route.match === 'Exact') return `^${regexLiteral(route.path)}$`;
  return `^${route.path === '/' ? '' : regexLiteral(route.path)}(/|$)(.*)`;
}
