/**
 * Kubeconfig files, the way kubectl reads them. `writeKubeconfig` writes one self-contained file
 * (credentials embedded as base64 `-data` fields, mode 0600); `loadKubeconfig` reads the current
 * (or a named) context of a file written by anyone, resolving `certificate-authority`,
 * `client-certificate`, `client-key` and `tokenFile` paths relative to the file, as kubectl does.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { isObject } from '../api/object.ts';

export interface KubeconfigUser {
  name: string;
  clientCert?: string;
  clientKey?: string;
  token?: string;
}

export interface WriteKubeconfigOptions {
  /** API server URL, e.g. https://127.0.0.1:6443. */
  server: string;
  caCertPem: string;
  user: KubeconfigUser;
  /** Cluster entry name; "berth" unless told. */
  cluster?: string;
  /** Context name; the cluster name unless told. */
  context?: string;
  namespace?: string;
}

/** What a client needs to reach the API server, resolved from one context. */
export interface LoadedKubeconfig {
  context: string;
  server: string;
  /** CA bundle PEM; absent when the file relies on the system trust store. */
  caCert?: string;
  insecureSkipTlsVerify: boolean;
  clientCert?: string;
  clientKey?: string;
  token?: string;
  /** The context's namespace, "default" when it names none. */
  namespace: string;
}

const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

/** Writes a single-cluster, single-user kubeconfig with embedded credentials (mode 0600, atomic). */
export async function writeKubeconfig(path: string, opts: WriteKubeconfigOptions): Promise<void> {
  const cluster = opts.cluster ?? 'berth';
  const context = opts.context ?? cluster;
  const user: Record<string, string> = {};
  if (opts.user.clientCert !== undefined) user['client-certificate-data'] = b64(opts.user.clientCert);
  if (opts.user.clientKey !== undefined) user['client-key-data'] = b64(opts.user.clientKey);
  if (opts.user.token !== undefined) user.token = opts.user.token;
  const ctx: Record<string, string> = { cluster, user: opts.user.name };
  if (opts.namespace) ctx.namespace = opts.namespace;
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: cluster, cluster: { server: opts.server, 'certificate-authority-data': b64(opts.caCertPem) } },
    ],
    contexts: [{ name: context, context: ctx }],
    'current-context': context,
    preferences: {},
    users: [{ name: opts.user.name, user }],
  };
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, stringify(doc), { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

/** The file kubectl would read: KUBECONFIG's first entry, else ~/.kube/config. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = (env.KUBECONFIG ?? '').split(delimiter).find((p) => p !== '');
  return first ?? join(homedir(), '.kube', 'config');
}

type Section = Record<string, unknown>;

/** The inner object of the named entry in a list like `clusters: [{name, cluster: {...}}]`. */
function namedEntry(doc: Section, list: string, field: string, name: string, file: string): Section {
  const items = doc[list];
  const entry = Array.isArray(items) ? items.find((i) => isObject(i) && i.name === name) : undefined;
  if (!isObject(entry)) throw new Error(`${file}: no ${field} named ${JSON.stringify(name)}`);
  const inner = entry[field];
  return isObject(inner) ? inner : {};
}

function str(section: Section, key: string): string | undefined {
  const v = section[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Reads `<key>-data` (base64) or `<key>` (a path relative to the kubeconfig), preferring data. */
async function material(section: Section, key: string, base: string): Promise<string | undefined> {
  const data = str(section, `${key}-data`);
  if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
  const file = str(section, key);
  if (file === undefined) return undefined;
  return readFile(isAbsolute(file) ? file : resolve(base, file), 'utf8');
}

/**
 * Loads the connection settings of `context` (default: the file's current-context) from `path`
 * (default: defaultKubeconfigPath()). Throws when the file, context, cluster or server is missing.
 */
export async function loadKubeconfig(path?: string, context?: string): Promise<LoadedKubeconfig> {
  const file = path ?? defaultKubeconfigPath();
  const base = dirname(resolve(file));
  const doc: unknown = parse(await readFile(file, 'utf8'));
  if (!isObject(doc)) throw new Error(`${file}: not a kubeconfig`);
  const name = context ?? str(doc, 'current-context');
  if (name === undefined) throw new Error(`${file}: no current-context and no context given`);
  const ctx = namedEntry(doc, 'contexts', 'context', name, file);
  const clusterName = str(ctx, 'cluster');
  if (clusterName === undefined) throw new Error(`${file}: context ${JSON.stringify(name)} names no cluster`);
  const cluster = namedEntry(doc, 'clusters', 'cluster', clusterName, file);
  const server = str(cluster, 'server');
  if (server === undefined) throw new Error(`${file}: cluster ${JSON.stringify(clusterName)} has no server`);
  const userName = str(ctx, 'user');
  const user = userName === undefined ? {} : namedEntry(doc, 'users', 'user', userName, file);

  const out: LoadedKubeconfig = {
    context: name,
    server,
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    namespace: str(ctx, 'namespace') ?? 'default',
  };
  const caCert = await material(cluster, 'certificate-authority', base);
  const clientCert = await material(user, 'client-certificate', base);
  const clientKey = await material(user, 'client-key', base);
  let token = str(user, 'token');
  const tokenFile = str(user, 'tokenFile');
  if (token === undefined && tokenFile !== undefined) {
    token = (await readFile(isAbsolute(tokenFile) ? tokenFile : resolve(base, tokenFile), 'utf8')).trim();
  }
  if (caCert !== undefined) out.caCert = caCert;
  if (clientCert !== undefined) out.clientCert = clientCert;
  if (clientKey !== undefined) out.clientKey = clientKey;
  if (token !== undefined) out.token = token;
  return out;
}
