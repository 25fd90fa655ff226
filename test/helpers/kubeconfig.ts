/**
 * Reads the parts of a kubeconfig that tests and benchmarks need to talk to a server directly: the
 * current context's server URL, CA, and client credentials. Only the embedded-data form is read
 * (what `berth server` writes); file references are resolved relative to the kubeconfig.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

/** How to reach and authenticate to the current context's cluster. PEM strings; absent = not configured. */
export interface Connection {
  server: string;
  ca?: string;
  cert?: string;
  key?: string;
  token?: string;
}

type Named<T> = { name?: string } & T;
interface KubeconfigDoc {
  'current-context'?: string;
  clusters?: Named<{ cluster?: Record<string, unknown> }>[];
  users?: Named<{ user?: Record<string, unknown> }>[];
  contexts?: Named<{ context?: { cluster?: string; user?: string } }>[];
}

function pem(
  entry: Record<string, unknown> | undefined,
  dataKey: string,
  fileKey: string,
  base: string,
): string | undefined {
  const data = entry?.[dataKey];
  if (typeof data === 'string') return Buffer.from(data, 'base64').toString('utf8');
  const file = entry?.[fileKey];
  if (typeof file === 'string') return readFileSync(resolve(base, file), 'utf8');
  return undefined;
}

/** Parses kubeconfig text; throws when the current context, its cluster or its server is missing. */
export function parseKubeconfig(text: string, baseDir = '.'): Connection {
  const doc = (parse(text) ?? {}) as KubeconfigDoc;
  const contextName = doc['current-context'] ?? doc.contexts?.[0]?.name;
  const context = doc.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`kubeconfig: no context ${JSON.stringify(contextName)}`);
  const cluster = doc.clusters?.find((c) => c.name === context.cluster)?.cluster;
  const user = doc.users?.find((u) => u.name === context.user)?.user;
  const server = cluster?.server;
  if (typeof server !== 'string')
    throw new Error(`kubeconfig: cluster ${JSON.stringify(context.cluster)} has no server`);
  const conn: Connection = { server };
  const ca = pem(cluster, 'certificate-authority-data', 'certificate-authority', baseDir);
  const cert = pem(user, 'client-certificate-data', 'client-certificate', baseDir);
  const key = pem(user, 'client-key-data', 'client-key', baseDir);
  if (ca) conn.ca = ca;
  if (cert) conn.cert = cert;
  if (key) conn.key = key;
  if (typeof user?.token === 'string') conn.token = user.token;
  return conn;
}

/** Reads and parses a kubeconfig file. */
export function readKubeconfig(path: string): Connection {
  return parseKubeconfig(readFileSync(path, 'utf8'), dirname(path));
}
