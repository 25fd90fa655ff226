/**
 * The desired nginx state, computed from the cached objects: one server per host (plus the default
 * server, host ''), each with its routes, TLS file and fallback; the upstreams they use; the files
 * (certificates, htpasswd) to write. Each Ingress is translated on its own first — any problem
 * rejects that Ingress alone — then the accepted ones are merged oldest first, so when two Ingresses
 * claim the same host and path the older keeps it (the ingress-nginx rule). Pure: no I/O.
 */
import { createHash } from 'node:crypto';
import type { DeepReadonly } from '../api/object.ts';
import { hasCaptures, parseAnnotations, type IngressAnnotations } from './annotations.ts';
import { resolveBackend, type BackendLookup, type Target, type Upstream } from './backends.ts';
import { isHost, isIdentifier, isPlainPath, isRegexPath } from './nginx-syntax.ts';
import { htpasswd, tlsPem } from './secrets.ts';
import type { Ingress, Secret } from './types.ts';

/** How a route's path matches: Kubernetes' Exact and Prefix, or an ImplementationSpecific regex. */
export type RouteMatch = 'Exact' | 'Prefix' | 'Regex';

/** One location: a path on a host, where it goes, and the settings of the Ingress that defined it. */
export interface Route {
  /** namespace/name of the Ingress. */
  owner: string;
  match: RouteMatch;
  path: string;
  target: Target;
  annotations: IngressAnnotations;
  /** htpasswd file name when basic auth is on. */
  authFile?: string;
}

/** One nginx server: a host (or '' for the default server). */
export interface ServerModel {
  host: string;
  /** The Ingress that first defined the host; nginx errors on server-level lines are charged to it. */
  owner?: string;
  tls?: { file: string; owner: string };
  routes: Route[];
  /** Where requests no route matches go (a defaultBackend); absent means 404. */
  fallback?: Route;
}

/** A file to write beside the configuration. Names are content hashes, so a change is a new file. */
export interface ModelFile {
  name: string;
  content: string;
  /** Read by worker processes at request time (htpasswd), not only by the master at load. */
  worker: boolean;
}

export interface IngressModel {
  /** The default server first, then hosts in name order. */
  servers: ServerModel[];
  upstreams: Upstream[];
  files: ModelFile[];
  /** Keys of the Ingresses in the model. */
  accepted: string[];
  /** Keys of Ingresses left out, with why. */
  rejected: Map<string, string>;
  /** Keys of accepted Ingresses some of whose paths lost to an older Ingress, with what. */
  conflicts: Map<string, string[]>;
}

/** What building the model reads. */
export interface ModelInput extends BackendLookup {
  /** The Ingresses of Berth's class; order does not matter. */
  ingresses: readonly DeepReadonly<Ingress>[];
  getSecret(namespace: string, name: string): DeepReadonly<Secret> | undefined;
}

/** What one Ingress adds, before merging. */
interface Contribution {
  key: string;
  routes: { host: string; route: Route }[];
  tls: Map<string, string>;
  fallback?: Route;
  upstreams: Upstream[];
  files: ModelFile[];
}

export function ingressKey(ing: DeepReadonly<Ingress>): string {
  return `${ing.metadata.namespace ?? ''}/${ing.metadata.name ?? ''}`;
}

function fileFor(kind: 'tls' | 'auth', content: string, worker: boolean): ModelFile {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 20);
  return { name: `${kind}-${hash}.${kind === 'tls' ? 'pem' : 'htpasswd'}`, content, worker };
}

/** Normalizes a Prefix path: a trailing slash does not change what it matches. */
function prefixPath(p: string): string {
  const t = p.replace(/\/+$/, '');
  return t === '' ? '/' : t;
}

function translate(ing: DeepReadonly<Ingress>, input: ModelInput): Contribution | { errors: string[] } {
  const key = ingressKey(ing);
  const ns = ing.metadata.namespace ?? '';
  if (!isIdentifier(ns)) return { errors: [`invalid namespace ${JSON.stringify(ns)}`] };
  const parsed = parseAnnotations(ns, ing.metadata.annotations);
  if (!parsed.ok) return { errors: parsed.errors };
  const ann = parsed.value;
  const errors: string[] = [];
  const out: Contribution = { key, routes: [], tls: new Map(), upstreams: [], files: [] };

  let authFile: string | undefined;
  if (ann.basicAuth) {
    const f = htpasswd(
      input.getSecret(ann.basicAuth.secretNamespace, ann.basicAuth.secretName),
      ann.basicAuth,
    );
    if (!f.ok) errors.push(f.error);
    else {
      const file = fileFor('auth', f.content, true);
      out.files.push(file);
      authFile = file.name;
    }
  }

  const route = (
    match: RouteMatch,
    path: string,
    backend: Parameters<typeof resolveBackend>[1],
    where: string,
  ) => {
    const r = resolveBackend(ns, backend, input);
    if (!r.ok) {
      errors.push(`${where}: ${r.error}`);
      return undefined;
    }
    if (r.upstream) out.upstreams.push(r.upstream);
    const made: Route = { owner: key, match, path, target: r.target, annotations: ann };
    if (authFile) made.authFile = authFile;
    return made;
  };

  const spec = ing.spec ?? {};
  if (spec.defaultBackend) out.fallback = route('Prefix', '/', spec.defaultBackend, 'spec.defaultBackend');
  const regexPaths = ann.useRegex || hasCaptures(ann.rewriteTarget);
  (spec.rules ?? []).forEach((rule, i) => {
    const host = rule.host ?? '';
    if (host !== '' && !isHost(host)) {
      errors.push(`spec.rules[${i}].host: invalid host ${JSON.stringify(host)}`);
      return;
    }
    (rule.http?.paths ?? []).forEach((p, j) => {
      const where = `spec.rules[${i}].http.paths[${j}]`;
      const raw = p.path || '/';
      let match: RouteMatch;
      let path = raw;
      if (p.pathType === 'Exact') match = 'Exact';
      else if (p.pathType === 'Prefix') match = 'Prefix';
      else if (p.pathType === 'ImplementationSpecific') match = regexPaths ? 'Regex' : 'Prefix';
      else {
        errors.push(`${where}: unsupported pathType ${JSON.stringify(p.pathType ?? '')}`);
        return;
      }
      if (match === 'Regex' ? !isRegexPath(raw) : !isPlainPath(raw)) {
        errors.push(`${where}: invalid path ${JSON.stringify(raw)}`);
        return;
      }
      if (match === 'Prefix') path = prefixPath(raw);
      const r = route(match, path, p.backend, where);
      if (r) out.routes.push({ host, route: r });
    });
  });

  (spec.tls ?? []).forEach((tls, i) => {
    if (!tls.secretName) return; // no Secret: the hosts are served with the default certificate
    const pem = tlsPem(input.getSecret(ns, tls.secretName), `${ns}/${tls.secretName}`);
    if (!pem.ok) {
      errors.push(`spec.tls[${i}]: ${pem.error}`);
      return;
    }
    const file = fileFor('tls', pem.content, false);
    out.files.push(file);
    for (const h of tls.hosts ?? []) {
      if (!isHost(h)) errors.push(`spec.tls[${i}].hosts: invalid host ${JSON.stringify(h)}`);
      else out.tls.set(h, file.name);
    }
  });

  return errors.length > 0 ? { errors } : out;
}

/** Oldest first by creationTimestamp, then by namespace/name: the order conflicts are settled in. */
export function byAge(a: DeepReadonly<Ingress>, b: DeepReadonly<Ingress>): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = ingressKey(a);
  const kb = ingressKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Builds the model for `input`. */
export function buildModel(input: ModelInput): IngressModel {
  const servers = new Map<string, ServerModel>([['', { host: '', routes: [] }]]);
  const claimed = new Map<string, string>(); // host \0 match \0 path → owner
  const upstreams = new Map<string, Upstream>();
  const files = new Map<string, ModelFile>();
  const tlsByHost = new Map<string, { file: string; owner: string }>();
  const model: IngressModel = {
    servers: [],
    upstreams: [],
    files: [],
    accepted: [],
    rejected: new Map(),
    conflicts: new Map(),
  };

  for (const ing of [...input.ingresses].sort(byAge)) {
    const c = translate(ing, input);
    if ('errors' in c) {
      model.rejected.set(ingressKey(ing), c.errors.join('; '));
      continue;
    }
    model.accepted.push(c.key);
    for (const u of c.upstreams) upstreams.set(u.name, u);
    for (const f of c.files) files.set(f.name, f);
    if (c.fallback && !servers.get('')!.fallback) servers.get('')!.fallback = c.fallback;
    const hosts = new Set<string>();
    for (const { host, route } of c.routes) {
      let server = servers.get(host);
      if (!server) servers.set(host, (server = { host, owner: c.key, routes: [] }));
      hosts.add(host);
      const claim = `${host}\0${route.match}\0${route.path}`;
      const holder = claimed.get(claim);
      if (holder !== undefined) {
        if (holder !== c.key) {
          const list = model.conflicts.get(c.key) ?? [];
          list.push(
            `${route.match} path ${route.path} on host ${host || '*'} is already served by ingress ${holder}`,
          );
          model.conflicts.set(c.key, list);
        }
        continue;
      }
      claimed.set(claim, c.key);
      server.routes.push(route);
    }
    for (const host of hosts) {
      const server = servers.get(host)!;
      if (host !== '' && c.fallback && !server.fallback) server.fallback = c.fallback;
    }
    // A host's certificate may come from any Ingress naming it in spec.tls; the oldest wins.
    for (const [host, file] of c.tls) if (!tlsByHost.has(host)) tlsByHost.set(host, { file, owner: c.key });
  }
  for (const [host, tls] of tlsByHost) {
    const server = servers.get(host);
    if (server) server.tls = tls;
  }

  model.servers = [...servers.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  model.upstreams = [...upstreams.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  model.files = [...files.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  return model;
}
