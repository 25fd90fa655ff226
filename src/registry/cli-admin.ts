/**
 * `berth registry namespace ...` and `berth registry robot ...`: administration either directly on
 * a data dir (`--data-dir DIR`, safe while `serve` runs: both use the same SQLite file, and the
 * server reads namespaces and accounts on every request) or through a running registry's
 * management API (`--server URL` with the admin's credentials: `--username`, `--password-file`, or
 * BERTH_REGISTRY_PASSWORD; `--ca-file` to trust the registry's CA).
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { allowAll, type Action } from './auth.ts';
import { namespaceJson, type NamespaceJson } from './api/management.ts';
import { registryRoot } from './cli.ts';
import { parseDuration } from './cli.ts';
import { formatBytes, parseBytes } from './quota.ts';
import { openRegistry, type Registry } from './server.ts';
import { NamespaceError, type NamespaceSpec } from './storage/namespaces.ts';

/** Where an admin command acts: a data dir, or a server and credentials. */
export interface AdminTarget {
  dataDir?: string;
  server?: string;
  username?: string;
  passwordFile?: string;
  caFile?: string;
  insecureSkipTlsVerify?: boolean;
}

/** Flags of `namespace create`. */
export interface NamespaceCreateFlags extends AdminTarget {
  public?: boolean;
  quota?: string;
  proxy?: string;
  proxyUsername?: string;
  proxyPasswordFile?: string;
  proxyTtl?: string;
}

/** Flags of `namespace update`. */
export interface NamespaceUpdateFlags extends AdminTarget {
  public?: boolean;
  private?: boolean;
  /** A size, or `none` to remove the quota. */
  quota?: string;
}

/** Flags of `robot create`. */
export interface RobotCreateFlags extends AdminTarget {
  namespace: string;
  pull?: boolean;
  push?: boolean;
  delete?: boolean;
}

/** The operations both targets offer. */
interface Admin {
  createNamespace(spec: NamespaceSpec): Promise<NamespaceJson>;
  listNamespaces(): Promise<NamespaceJson[]>;
  updateNamespace(
    name: string,
    patch: { public?: boolean; quotaBytes?: number | null },
  ): Promise<NamespaceJson>;
  deleteNamespace(name: string): Promise<{ repositories: number }>;
  createRobot(ns: string, name: string, actions: Action[]): Promise<{ name: string; token: string }>;
  listRobots(ns: string): Promise<{ name: string; actions: Action[] }[]>;
  deleteRobot(ns: string, name: string): Promise<void>;
  close(): Promise<void>;
}

function localAdmin(reg: Registry): Admin {
  const { namespaces, accounts } = reg.context;
  const wrap = <T>(fn: () => T): Promise<T> => {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err instanceof NamespaceError ? new Error(err.message) : err);
    }
  };
  const exists = (ns: string): void => {
    if (!namespaces.get(ns)) throw new Error(`namespace ${ns} not found`);
  };
  return {
    createNamespace: (spec) => wrap(() => namespaceJson(reg.context, namespaces.create(spec))),
    listNamespaces: () => wrap(() => namespaces.list().map((ns) => namespaceJson(reg.context, ns))),
    updateNamespace: (name, patch) => wrap(() => namespaceJson(reg.context, namespaces.update(name, patch))),
    deleteNamespace: (name) => wrap(() => namespaces.delete(name)),
    createRobot: (ns, name, actions) =>
      wrap(() => {
        exists(ns);
        return accounts.createRobot(ns, name, actions);
      }),
    listRobots: (ns) => wrap(() => accounts.listRobots(ns)),
    deleteRobot: (ns, name) =>
      wrap(() => {
        if (!accounts.deleteRobot(name.startsWith('robot$') ? name : `robot$${ns}+${name}`))
          throw new Error(`robot ${name} not found in namespace ${ns}`);
      }),
    close: () => reg.close(),
  };
}

function remoteAdmin(t: AdminTarget): Admin {
  const base = new URL(t.server!);
  const password =
    t.passwordFile !== undefined
      ? readFileSync(t.passwordFile, 'utf8').trim()
      : process.env.BERTH_REGISTRY_PASSWORD;
  if (password === undefined) throw new Error('--server needs --password-file or BERTH_REGISTRY_PASSWORD');
  const auth = `Basic ${Buffer.from(`${t.username ?? 'admin'}:${password}`).toString('base64')}`;
  const ca = t.caFile ? readFileSync(t.caFile, 'utf8') : undefined;
  const call = <T>(method: string, path: string, body?: unknown): Promise<T> =>
    new Promise((resolve, reject) => {
      const u = new URL(`/api/v1/${path}`, base);
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, {
        method,
        headers: {
          Authorization: auth,
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
        },
        ...(ca ? { ca } : {}),
        ...(t.insecureSkipTlsVerify ? { rejectUnauthorized: false } : {}),
      });
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let doc: unknown;
          try {
            doc = JSON.parse(text);
          } catch {
            doc = undefined;
          }
          if ((res.statusCode ?? 500) >= 300) {
            const e = (doc as { errors?: { message?: string }[] } | undefined)?.errors?.[0]?.message;
            reject(new Error(e ?? `${method} ${u.pathname} answered ${res.statusCode}: ${text}`));
          } else resolve(doc as T);
        });
      });
      req.end(payload);
    });
  const enc = encodeURIComponent;
  return {
    createNamespace: (spec) =>
      call('POST', 'namespaces', {
        name: spec.name,
        public: spec.public === true,
        quotaBytes: spec.quotaBytes ?? null,
        ...(spec.proxy ? { proxy: spec.proxy } : {}),
      }),
    listNamespaces: async () => (await call<{ items: NamespaceJson[] }>('GET', 'namespaces')).items,
    updateNamespace: (name, patch) => call('PATCH', `namespaces/${enc(name)}`, patch),
    deleteNamespace: (name) => call('DELETE', `namespaces/${enc(name)}`),
    createRobot: (ns, name, actions) => call('POST', `namespaces/${enc(ns)}/robots`, { name, actions }),
    listRobots: async (ns) =>
      (await call<{ items: { name: string; actions: Action[] }[] }>('GET', `namespaces/${enc(ns)}/robots`))
        .items,
    deleteRobot: async (ns, name) => {
      await call('DELETE', `namespaces/${enc(ns)}/robots/${enc(name)}`);
    },
    close: () => Promise.resolve(),
  };
}

/** Opens the admin target the flags name (exactly one of --data-dir and --server). */
async function openAdmin(t: AdminTarget): Promise<Admin> {
  if ((t.dataDir === undefined) === (t.server === undefined))
    throw new Error('give exactly one of --data-dir DIR and --server URL');
  if (t.server !== undefined) return remoteAdmin(t);
  return localAdmin(await openRegistry({ root: registryRoot(t.dataDir!), authorize: allowAll }));
}

async function withAdmin<T>(t: AdminTarget, fn: (a: Admin) => Promise<T>): Promise<T> {
  const admin = await openAdmin(t);
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

/** One line per namespace, for people. */
export function formatNamespaces(list: readonly NamespaceJson[]): string {
  const rows = [['NAME', 'VISIBILITY', 'USED', 'QUOTA', 'REPOSITORIES', 'UPSTREAM']];
  for (const ns of list)
    rows.push([
      ns.name,
      ns.public ? 'public' : 'private',
      formatBytes(ns.usedBytes),
      ns.quotaBytes === null ? '-' : formatBytes(ns.quotaBytes),
      String(ns.repositoryCount),
      ns.proxy?.url ?? '-',
    ]);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** `berth registry namespace create NAME`. */
export async function runNamespaceCreate(name: string, f: NamespaceCreateFlags): Promise<void> {
  const spec: NamespaceSpec = { name, public: f.public === true };
  if (f.quota !== undefined) spec.quotaBytes = parseBytes(f.quota);
  if (f.proxy !== undefined) {
    spec.proxy = { url: f.proxy };
    if (f.proxyUsername !== undefined) spec.proxy.username = f.proxyUsername;
    if (f.proxyPasswordFile !== undefined)
      spec.proxy.password = readFileSync(f.proxyPasswordFile, 'utf8').trim();
    if (f.proxyTtl !== undefined) spec.proxy.ttlSeconds = Math.round(parseDuration(f.proxyTtl) / 1000);
  }
  const ns = await withAdmin(f, (a) => a.createNamespace(spec));
  process.stdout.write(
    `namespace ${ns.name} created (${ns.public ? 'public' : 'private'}${ns.proxy ? `, cache of ${ns.proxy.url}` : ''})\n`,
  );
}

/** `berth registry namespace list`. */
export async function runNamespaceList(f: AdminTarget): Promise<void> {
  process.stdout.write(formatNamespaces(await withAdmin(f, (a) => a.listNamespaces())));
}

/** `berth registry namespace update NAME`. */
export async function runNamespaceUpdate(name: string, f: NamespaceUpdateFlags): Promise<void> {
  if (f.public && f.private) throw new Error('--public and --private exclude each other');
  const patch: { public?: boolean; quotaBytes?: number | null } = {};
  if (f.public) patch.public = true;
  if (f.private) patch.public = false;
  if (f.quota !== undefined) patch.quotaBytes = f.quota === 'none' ? null : parseBytes(f.quota);
  const ns = await withAdmin(f, (a) => a.updateNamespace(name, patch));
  process.stdout.write(formatNamespaces([ns]));
}

/** `berth registry namespace delete NAME`. */
export async function runNamespaceDelete(name: string, f: AdminTarget): Promise<void> {
  const r = await withAdmin(f, (a) => a.deleteNamespace(name));
  process.stdout.write(
    `namespace ${name} deleted with ${r.repositories} repositories (run gc to free space)\n`,
  );
}

/** `berth registry robot create NAME --namespace NS`: prints the account name and its token, once. */
export async function runRobotCreate(name: string, f: RobotCreateFlags): Promise<void> {
  const actions: Action[] = [];
  if (f.pull || (!f.push && !f.delete)) actions.push('pull');
  if (f.push) actions.push('push');
  if (f.delete) actions.push('delete');
  const r = await withAdmin(f, (a) => a.createRobot(f.namespace, name, actions));
  process.stdout.write(
    `robot: ${r.name}\ntoken: ${r.token}\n` +
      `(allowed: ${actions.join(', ')} in namespace ${f.namespace}; the token is shown only now)\n`,
  );
}

/** `berth registry robot list --namespace NS`. */
export async function runRobotList(f: AdminTarget & { namespace: string }): Promise<void> {
  const list = await withAdmin(f, (a) => a.listRobots(f.namespace));
  process.stdout.write(list.map((r) => `${r.name}  ${r.actions.join(',')}\n`).join(''));
}

/** `berth registry robot delete NAME --namespace NS`. */
export async function runRobotDelete(name: string, f: AdminTarget & { namespace: string }): Promise<void> {
  await withAdmin(f, (a) => a.deleteRobot(f.namespace, name));
  process.stdout.write(`robot ${name} deleted\n`);
}
