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
import type { UserInfo } from './authn/user.ts';

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

/** Makes in-process connections for one API server; `close` ends every open one. */
export class InProcessConnections {
  private readonly server: http.Server;
  private readonly users = new WeakMap<object, UserInfo>();
  private readonly open = new Set<Duplex>();
  private closed = false;

  constructor(handler: http.RequestListener) {
    this.server = nodeHttp.createServer({ keepAliveTimeout: 0 }, handler);
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
  }

  /** The identity bound to a request's connection, if it is an in-process one. */
  userOf(socket: Socket | Duplex): UserInfo | undefined {
    return this.users.get(socket);
  }

  /** Opens one connection authenticated as `user`; returns the client end. */
  connect(user: UserInfo): Duplex {
    if (this.closed) throw new Error('the API server is shutting down');
    const [client, server] = duplexPair();
    socketLike(client);
    socketLike(server);
    this.users.set(server, { ...user, groups: [...user.groups] });
    for (const end of [client, server]) {
      this.open.add(end);
      end.once('close', () => this.open.delete(end));
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

  /** Ends every in-process connection (watches included); later connects fail. */
  close(): void {
    this.closed = true;
    for (const s of this.open) s.destroy();
    this.open.clear();
  }
}
