/**
 * The image repository's HTTP(S) server: the OCI Distribution Spec v1.1 API over node:http or
 * node:https. `openRegistry` opens the storage under a directory (blobs and uploads on the
 * filesystem, metadata in SQLite); `handle` serves one request and can be mounted in another server
 * (the platform process will); `listen` runs it standalone. Besides `/v2/` it serves the token
 * endpoint (`/token`) and the management API (`/api/v1/`). Unless a custom authorizer is given,
 * access is controlled by namespaces, accounts and Bearer tokens (access/): on first open an ES256
 * signing key and an `admin` account are created, the admin password written once to
 * `ROOT/admin-password` (mode 0600). Every failure is answered with the spec's JSON error body; an
 * unexpected one is logged and answered 500 UNKNOWN, and the server goes on serving.
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccountStore } from './access/accounts.ts';
import { createAccessControl, DEFAULT_SERVICE } from './access/authorizer.ts';
import { serveToken } from './access/token-endpoint.ts';
import type { NodeCertificateCheck } from './access/node-clients.ts';
import { TokenIssuer } from './access/tokens.ts';
import { serveManagement } from './api/management.ts';
import type { Authorizer } from './auth.ts';
import { silentLogger, type RegistryContext, type RegistryLogger } from './context.ts';
import { isNoSpace, noSpaceError, RegistryError } from './errors.ts';
import { collectGarbage, type GcOptions, type GcReport } from './gc.ts';
import { getBlob, deleteBlob } from './handlers/blobs.ts';
import { catalog, listTags, referrers } from './handlers/listing.ts';
import { deleteManifest, getManifest, putManifest } from './handlers/manifests.ts';
import { cancelUpload, patchUpload, putUpload, startUpload, uploadStatus } from './handlers/uploads.ts';
import { requireAccess, sendError, sendJson } from './http.ts';
import { UpstreamPool } from './proxy/pull-through.ts';
import { matchRoute, type Route } from './router.ts';
import type { BlobStore } from './storage/blob-store.ts';
import { createFsBlobStore } from './storage/fs-blob-store.ts';
import { defaultSpaceReserve, type SpaceReserve } from './storage/free-space.ts';
import { RegistryMetadata } from './storage/metadata.ts';
import { NamespaceStore } from './storage/namespaces.ts';

export interface RegistryOptions {
  /** Root of the registry's storage (blobs/, uploads/, registry.db). */
  root: string;
  /**
   * A custom authorizer (tests, `allowAll` for trusted networks). Without one, access is controlled
   * by namespaces, accounts and tokens (see access/), configured by `auth`.
   */
  authorize?: Authorizer;
  auth?: {
    /** The `service` of challenges and the audience of tokens; default berth-registry. */
    service?: string;
    /** Token issuer; default berth-registry. */
    issuer?: string;
    /** Token endpoint URL in challenges; default derived from each request's Host. */
    realm?: string;
    /**
     * Node agents may pull every repository with their client certificate (access/node-clients.ts);
     * listen with `tls.clientCa` (the cluster CA) for certificates to be asked for and verified.
     */
    nodeClients?: boolean;
    /**
     * With `nodeClients`: whether node NAME still exists and a certificate issued at the given time
     * is its own, not an earlier same-named Node's (see access/authorizer.ts, node-presence.ts).
     */
    nodeExists?: NodeCertificateCheck;
  };
  now?: () => number;
  log?: RegistryLogger;
  /** A different blob store (object storage); the filesystem one under `root` otherwise. */
  blobs?: BlobStore;
  /** Free space uploads must leave on the blob volume; default `defaultSpaceReserve`. */
  spaceReserve?: SpaceReserve;
}

/** An open registry: storage plus the request handler. */
export interface Registry {
  readonly root: string;
  readonly context: RegistryContext;
  /**
   * The admin password, when this open created the admin account (first start); it is also in
   * `ROOT/admin-password`. Undefined afterwards, or with a custom authorizer.
   */
  readonly initialAdminPassword?: string;
  /** Serves one request (never rejects; failures become error responses). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /**
   * Listens on host:port (port 0 = any), over TLS when `tls` is given; resolves with the URL. With
   * `tls.clientCa`, clients may present a certificate, verified against that CA alone.
   */
  listen(opts: {
    host: string;
    port: number;
    tls?: { cert: string; key: string; clientCa?: string };
  }): Promise<string>;
  /** Runs the garbage collector over this registry's storage. */
  gc(opts?: GcOptions): Promise<GcReport>;
  /** Stops listening (if it was) and closes the storage. Safe to call twice. */
  close(): Promise<void>;
}

const METHODS: Record<Route['kind'], readonly string[]> = {
  base: ['GET', 'HEAD'],
  catalog: ['GET'],
  tags: ['GET'],
  manifest: ['GET', 'HEAD', 'PUT', 'DELETE'],
  blob: ['GET', 'HEAD', 'DELETE'],
  uploads: ['POST'],
  upload: ['GET', 'PATCH', 'PUT', 'DELETE'],
  referrers: ['GET'],
};

async function dispatch(ctx: RegistryContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://registry');
  if (url.pathname === '/token' && ctx.accessControl && ctx.tokens) {
    return serveToken(
      { accounts: ctx.accounts, tokens: ctx.tokens, access: ctx.accessControl },
      req,
      res,
      url.searchParams,
    );
  }
  if (url.pathname === '/api/v1' || url.pathname.startsWith('/api/v1/'))
    return serveManagement(ctx, req, res, url.pathname);
  const route = matchRoute(url.pathname);
  if (!route) {
    sendJson(res, 404, { errors: [{ code: 'UNSUPPORTED', message: `no such endpoint ${url.pathname}` }] });
    return;
  }
  const method = req.method ?? 'GET';
  if (!METHODS[route.kind].includes(method)) {
    throw new RegistryError('UNSUPPORTED', `${method} is not supported on this endpoint`, {
      headers: { Allow: METHODS[route.kind].join(', ') },
    });
  }
  const q = url.searchParams;
  switch (route.kind) {
    case 'base':
      await requireAccess(ctx, req, []);
      return sendJson(res, 200, {});
    case 'catalog':
      return catalog(ctx, req, res, q);
    case 'tags':
      return listTags(ctx, req, res, route.name, q);
    case 'referrers':
      return referrers(ctx, req, res, route.name, route.digest, q);
    case 'manifest':
      if (method === 'PUT') return putManifest(ctx, req, res, route.name, route.reference);
      if (method === 'DELETE') return deleteManifest(ctx, req, res, route.name, route.reference);
      return getManifest(ctx, req, res, route.name, route.reference);
    case 'blob':
      if (method === 'DELETE') return deleteBlob(ctx, req, res, route.name, route.digest);
      return getBlob(ctx, req, res, route.name, route.digest);
    case 'uploads':
      return startUpload(ctx, req, res, route.name, q);
    case 'upload':
      if (method === 'PATCH') return patchUpload(ctx, req, res, route.name, route.id);
      if (method === 'PUT') return putUpload(ctx, req, res, route.name, route.id, q);
      if (method === 'DELETE') return cancelUpload(ctx, req, res, route.name, route.id);
      return uploadStatus(ctx, req, res, route.name, route.id);
  }
}

/** Opens the registry stored under `opts.root` (created if needed). */
export async function openRegistry(opts: RegistryOptions): Promise<Registry> {
  const blobs = opts.blobs ?? (await createFsBlobStore(opts.root));
  const now = opts.now ?? Date.now;
  const meta = RegistryMetadata.open(join(opts.root, 'registry.db'), { now });
  // The database holds password hashes and upstream credentials: owner only.
  chmodSync(join(opts.root, 'registry.db'), 0o600);
  const namespaces = new NamespaceStore(meta, now);
  const accounts = new AccountStore(meta, now);
  let ctx: RegistryContext;
  let initialAdminPassword: string | undefined;
  const base = {
    meta,
    blobs,
    namespaces,
    accounts,
    upstreams: new UpstreamPool(),
    spaceReserve: opts.spaceReserve ?? defaultSpaceReserve,
    now,
    log: opts.log ?? silentLogger,
  };
  if (opts.authorize) {
    ctx = { ...base, authorize: opts.authorize };
  } else {
    const service = opts.auth?.service ?? DEFAULT_SERVICE;
    const tokens = await TokenIssuer.load(join(opts.root, 'token-key.pem'), {
      issuer: opts.auth?.issuer ?? DEFAULT_SERVICE,
      service,
      now,
    });
    const accessControl = createAccessControl({
      accounts,
      namespaces,
      tokens,
      ...(opts.auth?.realm ? { realm: opts.auth.realm } : {}),
      ...(opts.auth?.nodeClients ? { nodeClients: true } : {}),
      ...(opts.auth?.nodeExists ? { nodeExists: opts.auth.nodeExists } : {}),
    });
    // The password is on disk before the account exists, so it is never lost.
    initialAdminPassword = accounts.ensureAdmin((password) =>
      writeFileSync(join(opts.root, 'admin-password'), `${password}\n`, { mode: 0o600 }),
    );
    ctx = { ...base, authorize: accessControl.authorize, accessControl, tokens };
  }
  let server: Server | undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      await dispatch(ctx, req, res);
    } catch (err) {
      let e: RegistryError;
      if (err instanceof RegistryError) e = err;
      else if (isNoSpace(err)) e = noSpaceError();
      else if (!res.socket || res.socket.destroyed) {
        // The client went away (an interrupted upload); what arrived is kept for a resume.
        ctx.log.debug({ err, method: req.method, url: req.url }, 'client disconnected');
        return;
      } else {
        ctx.log.error({ err, method: req.method, url: req.url }, 'registry request failed');
        e = new RegistryError('UNKNOWN', err instanceof Error ? err.message : String(err));
      }
      // (req.destroyed says nothing here: a fully read body is auto-destroyed; the socket tells.)
      if (res.headersSent || !res.socket || res.socket.destroyed) {
        res.destroy();
        return;
      }
      sendError(res, e, req);
    }
  };

  return {
    root: opts.root,
    context: ctx,
    ...(initialAdminPassword !== undefined ? { initialAdminPassword } : {}),
    handle,
    listen({ host, port, tls }) {
      const onRequest = (req: IncomingMessage, res: ServerResponse): void => void handle(req, res);
      const srv = tls
        ? createHttpsServer(
            {
              cert: tls.cert,
              key: tls.key,
              // Asked for, never required: other clients use tokens. `ca` limits whom it trusts.
              ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: false } : {}),
            },
            onRequest,
          )
        : createHttpServer(onRequest);
      // Large blobs stream for minutes; only idle connections are timed out.
      srv.requestTimeout = 0;
      srv.keepAliveTimeout = 65_000;
      server = srv;
      return new Promise((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(port, host, () => {
          srv.off('error', reject);
          const a = srv.address() as AddressInfo;
          const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
          resolve(`${tls ? 'https' : 'http'}://${h}:${a.port}`);
        });
      });
    },
    gc(gcOpts) {
      return collectGarbage(meta, blobs, gcOpts);
    },
    async close() {
      if (server) {
        const s = server;
        server = undefined;
        await new Promise<void>((resolve) => {
          s.close(() => resolve());
          s.closeAllConnections();
        });
      }
      if (meta.db.isOpen) meta.close();
    },
  };
}
