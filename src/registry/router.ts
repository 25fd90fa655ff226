/**
 * Maps a `/v2/...` path to the endpoint it addresses. Repository names may have several `/`
 * components, so each pattern anchors on its fixed suffix (`/manifests/<ref>`, `/blobs/<digest>`,
 * `/blobs/uploads/[<id>]`, `/tags/list`, `/referrers/<digest>`); the rest is the name, validated by
 * the handlers. Percent-encoded segments (e.g. `sha256%3A...`) are decoded.
 */

/** An endpoint of the Distribution API, with its path parameters. */
export type Route =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'tags'; name: string }
  | { kind: 'manifest'; name: string; reference: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; id: string }
  | { kind: 'referrers'; name: string; digest: string };

const patterns: [RegExp, (m: string[]) => Route][] = [
  [/^\/v2\/?$/, () => ({ kind: 'base' })],
  [/^\/v2\/_catalog$/, () => ({ kind: 'catalog' })],
  [/^\/v2\/(.+)\/tags\/list$/, (m) => ({ kind: 'tags', name: m[1]! })],
  [/^\/v2\/(.+)\/manifests\/([^/]+)$/, (m) => ({ kind: 'manifest', name: m[1]!, reference: m[2]! })],
  [/^\/v2\/(.+)\/blobs\/uploads\/?$/, (m) => ({ kind: 'uploads', name: m[1]! })],
  [/^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/, (m) => ({ kind: 'upload', name: m[1]!, id: m[2]! })],
  [/^\/v2\/(.+)\/blobs\/([^/]+)$/, (m) => ({ kind: 'blob', name: m[1]!, digest: m[2]! })],
  [/^\/v2\/(.+)\/referrers\/([^/]+)$/, (m) => ({ kind: 'referrers', name: m[1]!, digest: m[2]! })],
];

/** The route for `pathname`, or undefined when it is not a Distribution API path. */
export function matchRoute(pathname: string): Route | undefined {
  for (const [re, build] of patterns) {
    const m = re.exec(pathname);
    if (!m) continue;
    try {
      return build(m.map((s) => decodeURIComponent(s)));
    } catch {
      return undefined; // malformed percent-encoding
    }
  }
  return undefined;
}
