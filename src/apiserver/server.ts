/**
 * The cluster API server: HTTPS with client-certificate and token authentication, authorization,
 * discovery, OpenAPI, health, metrics and every resource of the kind registry. It owns the datastore:
 * nothing else in Berth touches the Store.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { badRequest, forbidden, notFound, StatusError, toStatus, unauthorized } from '../api/errors.ts';
import type { KindRegistry } from '../api/kinds/registry.ts';
import type { Store } from '../store/types.ts';
import { Api } from './api.ts';
import type { Authenticator } from './authn/authenticator.ts';
import type { UserInfo } from './authn/user.ts';
import {
  BootstrapAuthorizer,
  forbiddenMessage,
  type Attributes,
  type Authorizer,
} from './authz/authorizer.ts';
import { impersonate, wantsImpersonation } from './authz/impersonation.ts';
import { Discovery } from './handlers/discovery.ts';
import { InProcessConnections } from './in-process.ts';
import { OpenApi } from './handlers/openapi.ts';
import { openApiV2Document, openApiV2ProtobufType } from './handlers/openapi-v2.ts';
import { handleResource, type ResourceHandlerContext, type SubresourceHandler } from './handlers/resource.ts';
import { aggregatedDiscoveryType, wantsAggregatedDiscovery } from './http/negotiate.ts';
import { writeJson, writeStatus, writeText } from './http/respond.ts';
import { parseTarget, type RequestTarget } from './http/target.ts';
import { upgradeResponse } from './http/upgrade-proxy.ts';
import { ApiMetrics } from './metrics.ts';
import { requestInfo, type RequestInfo } from './request-info.ts';
import type { AdmissionPlugin } from './admission/types.ts';

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  /** Whether `level` is logged at all (pino's), so hot paths can skip building log lines. */
  isLevelEnabled?(level: string): boolean;
}

export interface ApiServerOptions {
  registry: KindRegistry;
  store: Store;
  tls: { cert: string; key: string; ca: string };
  authenticator: Authenticator;
  authorizer?: Authorizer;
  admission?: AdmissionPlugin[];
  subresources?: Map<string, SubresourceHandler>;
  log: Logger;
  /** gitVersion reported by /version. */
  version?: string;
}

export const serverVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4+berth',
  gitCommit: 'berth',
  gitTreeState: 'clean',
  buildDate: '2026-11-28T00:00:00Z',
  goVersion: 'go1.23',
  compiler: 'gc',
  platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

export class ApiServer {
  readonly api: Api;
  readonly metrics = new ApiMetrics();
  readonly server: Server;
  private readonly o: ApiServerOptions;
  private readonly discovery: Discovery;
  private readonly openapi: OpenApi;
  private openapiV2: { json: string; protobuf: Buffer } | undefined;
  private readonly authorizer: Authorizer;
  readonly subresources: Map<string, SubresourceHandler>;
  /** Connections for components in this process: same request path, no network, no TLS. */
  readonly inProcess: InProcessConnections;
  private ready = false;

  constructor(o: ApiServerOptions) {
    this.o = o;
    this.api = new Api(o.registry, this.metrics.instrument(o.store), (msg, extra) =>
      o.log.warn(extra ?? {}, msg),
    );
    this.api.admission.push(...(o.admission ?? []));
    this.discovery = new Discovery(o.registry);
    this.openapi = new OpenApi(o.registry);
    this.authorizer = o.authorizer ?? new BootstrapAuthorizer();
    this.subresources = o.subresources ?? new Map();
    this.server = createServer(
      {
        cert: o.tls.cert,
        key: o.tls.key,
        ca: o.tls.ca,
        requestCert: true,
        rejectUnauthorized: false,
        keepAliveTimeout: 75_000,
      },
      (req, res) => this.serve(req, res),
    );
    // Upgrade requests (exec, attach, port-forward over WebSocket or SPDY) take the same path —
    // authentication, authorization, the subresource handler — with a response on the raw socket
    // that the handler may take over (see http/upgrade-proxy.ts).
    this.server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) =>
      this.serve(req, upgradeResponse(req, socket, head)),
    );
    this.inProcess = new InProcessConnections((req, res) => this.serve(req, res));
    this.server.keepAliveTimeout = 75_000;
    this.server.headersTimeout = 80_000;
    this.server.requestTimeout = 0;
  }

  /** Warms the caches and starts listening. */
  async listen(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    await this.api.warm();
    this.ready = true;
    return this.server.address() as AddressInfo;
  }

  /** Ends watches, stops accepting requests and waits for open ones (at most `graceMs`). */
  async close(graceMs = 3000): Promise<void> {
    this.ready = false;
    this.api.stop();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const deadline = setTimeout(() => this.server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(deadline);
    this.inProcess.close();
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    this.handle(req, res).catch((err: unknown) => {
      // Last line of defence: a bug in a handler must never take the server down.
      this.o.log.error({ err }, 'unhandled request failure');
      if (!res.headersSent) writeStatus(res, toStatus(err));
      else res.end();
    });
  }

  invalidateDiscovery(): void {
    this.discovery.invalidate();
    this.openapi.invalidate();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    let url: RequestTarget;
    let info: RequestInfo;
    try {
      const target = req.url ?? '/';
      // Dot segments are refused rather than resolved: `/namespaces/../services` must not quietly
      // become a cluster-wide request (object names may never be "." or ".." anyway).
      // (Only a path holding '.' or '%' can have such a segment: most requests skip the split.)
      const q = target.indexOf('?');
      const rawPath = q < 0 ? target : target.slice(0, q);
      if (
        (rawPath.includes('.') || rawPath.includes('%')) &&
        rawPath.split('/').some((seg) => /^(\.|%2e){1,2}$/i.test(seg))
      ) {
        throw badRequest(`the request path ${JSON.stringify(rawPath)} may not contain "." or ".." segments`);
      }
      url = parseTarget(target);
      info = requestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    } catch (err) {
      writeStatus(
        res,
        toStatus(
          err instanceof StatusError ? err : badRequest(`malformed request: ${(err as Error).message}`),
        ),
      );
      return;
    }
    const resource = info.isResourceRequest
      ? info.subresource
        ? info.resource + '/' + info.subresource
        : info.resource
      : '';
    const verb = info.verb;
    let user: UserInfo | undefined;
    res.on('close', () => {
      const ms = performance.now() - started;
      this.metrics.observeRequest(verb, resource, res.statusCode, verb === 'watch' ? undefined : ms / 1000);
      // (The log line is built only when someone reads it: most servers log at info.)
      if (this.o.log.isLevelEnabled?.('debug') === false) return;
      this.o.log.debug(
        { method: req.method, path: url.pathname, user: user?.name, code: res.statusCode, ms },
        'request',
      );
    });
    try {
      // Health and version answer without credentials, as on every Kubernetes API server.
      if (this.serveAnonymous(url.pathname, res)) return;
      user =
        this.inProcess.userOf(req.socket) ??
        this.o.authenticator.known?.(req) ??
        (await this.o.authenticator.authenticate(req));
      if (!user) throw unauthorized();
      if (wantsImpersonation(req)) user = await impersonate(req, user, this.authorizer);
      const attrs: Attributes = info.isResourceRequest
        ? {
            user,
            verb: info.verb,
            isResourceRequest: true,
            group: info.group,
            resource: info.resource,
            subresource: info.subresource,
            namespace: info.namespace,
            name: info.name,
          }
        : { user, verb: info.verb, isResourceRequest: false, path: url.pathname };
      const asked = this.authorizer.authorize(attrs);
      const decision = asked instanceof Promise ? await asked : asked;
      if (!decision.allowed) throw forbidden(forbiddenMessage(attrs));
      if (!info.isResourceRequest) {
        await this.serveNonResource(req, res, url);
        return;
      }
      const kind = this.o.registry.byGVR(info.group, info.version, info.resource);
      if (!kind) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      const ctx: ResourceHandlerContext = {
        api: this.api,
        user,
        subresources: this.subresources,
        onWatch: (d, r) => this.metrics.watchers.inc({ resource: r }, d),
        takeEventSink: () => this.inProcess.takeSink(req),
      };
      await handleResource(req, res, info, kind, ctx, url.searchParams);
    } catch (err) {
      const status = toStatus(err);
      if (status.code >= 500)
        this.o.log.error({ err, path: url.pathname, method: req.method }, 'request failed');
      if (res.headersSent) {
        res.end();
        return;
      }
      if (status.code === 401 && err instanceof StatusError && err.cause) {
        this.o.log.debug({ path: url.pathname, reason: String(err.cause) }, 'authentication refused');
      }
      writeStatus(res, status);
    }
  }

  private serveAnonymous(path: string, res: ServerResponse): boolean {
    // API requests (nearly all of them) skip the matching below.
    if (path.startsWith('/api')) return false;
    if (path === '/version' || path === '/version/') {
      writeJson(res, 200, serverVersion);
      return true;
    }
    const health = /^\/(healthz|livez|readyz)(\/.*)?$/.exec(path);
    if (health) {
      const ok = health[1] !== 'readyz' || this.ready;
      writeText(
        res,
        ok ? 200 : 503,
        ok ? 'ok' : 'not ready: caches are loading',
        'text/plain; charset=utf-8',
      );
      return true;
    }
    return false;
  }

  private async serveNonResource(
    req: IncomingMessage,
    res: ServerResponse,
    url: RequestTarget,
  ): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const accept = req.headers.accept;
    if (path === '/api' || path === '/apis') {
      if (wantsAggregatedDiscovery(accept)) {
        res.setHeader('Vary', 'Accept');
        writeText(res, 200, this.discovery.aggregated(path === '/api'), aggregatedDiscoveryType);
      } else {
        const host = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
        const port = (this.server.address() as AddressInfo).port;
        writeText(
          res,
          200,
          path === '/api' ? this.discovery.apiVersions(`${host}:${port}`) : this.discovery.apiGroupList(),
        );
      }
      return;
    }
    let m = /^\/api\/([^/]+)$/.exec(path);
    if (m) {
      const doc = this.discovery.resourceList('', m[1]);
      if (!doc) throw notFound('', '', path);
      return writeText(res, 200, doc);
    }
    m = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    if (m) {
      const doc = m[2] ? this.discovery.resourceList(m[1], m[2]) : this.discovery.apiGroup(m[1]);
      if (!doc) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      return writeText(res, 200, doc);
    }
    if (path === '/openapi/v2') {
      const doc = (this.openapiV2 ??= openApiV2Document(serverVersion.gitVersion));
      if (!/proto-openapi\.spec\.v2/.test(accept ?? '')) return writeText(res, 200, doc.json);
      res.writeHead(200, { 'Content-Type': openApiV2ProtobufType, 'Content-Length': doc.protobuf.length });
      return void res.end(doc.protobuf);
    }
    if (path === '/openapi/v3') return writeText(res, 200, this.openapi.index());
    m = /^\/openapi\/v3\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (m) {
      const doc = m[1] ? this.openapi.document('', m[1]) : this.openapi.document(m[2], m[3]);
      if (!doc) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      res.setHeader(
        'Cache-Control',
        url.searchParams.get('hash') === doc.hash ? 'public, immutable' : 'no-cache, private',
      );
      res.setHeader('Etag', `"${doc.hash}"`);
      return writeText(res, 200, doc.text);
    }
    if (path === '/metrics') {
      return writeText(res, 200, await this.metrics.registry.metrics(), this.metrics.registry.contentType);
    }
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
  }
}
