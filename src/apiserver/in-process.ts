/**
 * In-process connections to the API server: for components that run in the server's own process
 * (controller manager, scheduler) and should not pay for TCP and TLS on every call and watch. A
 * connection is a pair of in-memory streams; the server end is handed to a plain HTTP server that
 * shares the API server's request handler, so requests go through exactly the same
 * authentication (the identity is bound to the connection when it is made), authorization,
 * admission, validation and watch code as requests from the network. Nothing listens anywhere:
 * only code holding the agent can connect.
 */
import type http from 'node:http';
import { http as nodeHttp } from '../client/node-http.ts';
import type { Socket } from 'node:net';
import { duplexPair, type Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { eventSinkHeader, type EventSink, type EventSinks } from '../client/object-watch.ts';
import type { UserInfo } from './authn/user.ts';
import type { DirectRequester } from '../client/transport.ts';
import { directSocket, dispatchDirect } from './in-process-request.ts';

/** The socket methods Node's HTTP client and server call, answered as an idle loopback socket would. */
function socketLike(s: Duplex): Duplex {
  const o = s as Duplex & Record<string, unknown>;
  o.setKeepAlive = () => s;
  o.setNoDelay = () => s;
  o.setTimeout = (_ms: number, cb?: () => void) => {
    if (cb) s.once('timeout', cb);
    return s;
  };
  o.ref = () => s;
  o.unref = () => s;
  o.remoteAddress = '127.0.0.1';
  o.remotePort = 0;
  o.localAddress = '127.0.0.1';
  o.localPort = 0;
  o.address = () => ({ address: '127.0.0.1', family: 'IPv4', port: 0 });
  return s;
}

/**
 * Makes in-process connections for one API server; `close` ends every open one. Also the registry
 * of in-process watch receivers (client/object-watch.ts): a watch request on one of these
 * connections may name a receiver, and then gets the watch cache's objects instead of JSON lines.
 */
export class InProcessConnections implements EventSinks {
  private readonly server: http.Server;
  private readonly handler: http.RequestListener;
  private readonly users = new WeakMap<object, UserInfo>();
  private readonly sinks = new Map<string, EventSink>();
  private readonly openSockets = new Set<Duplex>();
  private closed = false;

  constructor(handler: http.RequestListener) {
    this.handler = handler;
    this.server = nodeHttp.createServer({ keepAliveTimeout: 0 }, handler);
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
  }

  /** The identity bound to a request's connection, if it is an in-process one. */
  userOf(socket: Socket | Duplex): UserInfo | undefined {
    return this.users.get(socket);
  }

  open(sink: EventSink): string {
    const token = randomUUID();
    this.sinks.set(token, sink);
    return token;
  }

  release(token: string): void {
    this.sinks.delete(token);
  }

  /**
   * The receiver a watch request names, taken (once). Only requests on in-process connections get
   * one: a network client cannot name a token, and would not learn anything if it did.
   */
  takeSink(req: IncomingMessage): EventSink | undefined {
    if (!this.users.has(req.socket)) return undefined;
    const token = req.headers[eventSinkHeader];
    if (typeof token !== 'string') return undefined;
    const sink = this.sinks.get(token);
    this.sinks.delete(token);
    return sink;
  }

  /** Opens one connection authenticated as `user`; returns the client end. */
  connect(user: UserInfo): Duplex {
    if (this.closed) throw new Error('the API server is shutting down');
    const [client, server] = duplexPair();
    socketLike(client);
    socketLike(server);
    this.users.set(server, { ...user, groups: [...user.groups] });
    for (const end of [client, server]) {
      this.openSockets.add(end);
      end.once('close', () => this.openSockets.delete(end));
    }
    this.server.emit('connection', server);
    return client;
  }

  /**
   * A keep-alive HTTP agent whose connections are in-process ones for `user`: give it to an HTTP
   * client (with any http:// URL; the host is ignored) instead of a network agent.
   */
  agent(user: UserInfo): http.Agent {
    const connect = (): Duplex => this.connect(user);
    class InProcessAgent extends nodeHttp.Agent {
      override createConnection(): Duplex {
        return connect();
      }
    }
    return new InProcessAgent({ keepAlive: true, maxSockets: Infinity });
  }

  /**
   * Ordinary requests as `user` without HTTP framing (in-process-request.ts): the handler gets a
   * request whose socket stands for an in-process connection bound to `user`, so everything after
   * the wire is the same as on `agent(user)`'s connections. Watches keep using those.
   */
  requester(user: UserInfo): DirectRequester {
    const socket = directSocket();
    this.users.set(socket, { ...user, groups: [...user.groups] });
    return (req, userAgent) => {
      if (this.closed) return Promise.reject(new Error('the API server is shutting down'));
      return dispatchDirect(this.handler, socket, req, userAgent);
    };
  }

  /** Ends every in-process connection (watches included); later connects fail. */
  close(): void {
    this.closed = true;
    for (const s of this.openSockets) s.destroy();
    this.openSockets.clear();
  }
}
