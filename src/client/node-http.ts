/**
 * node:http, loaded through `require`. An ES `import` of 'node:http' builds its ESM facade, which
 * reads every export — including the lazy WebSocket, CloseEvent and MessageEvent getters that load
 * Node's bundled undici (fetch): ~1.5 MB more resident memory in `berth server` and `berth agent`,
 * which never use it (~10 MB in an otherwise bare process). Take node:http values from here; types
 * may still come from 'node:http' with `import type`. src/client/node-http.test.ts checks that the
 * server's and the agent's module graphs stay free of undici.
 */
import { createRequire } from 'node:module';
import type * as NodeHttp from 'node:http';

/** The node:http module object (the same one `import http from 'node:http'` gives). */
export const http = createRequire(import.meta.url)('node:http') as typeof NodeHttp;

/** http.request. */
export const request = http.request;

/** http.ServerResponse, as a value (the type comes from 'node:http'). */
export const ServerResponse = http.ServerResponse;
export type ServerResponse<Req extends NodeHttp.IncomingMessage = NodeHttp.IncomingMessage> =
  NodeHttp.ServerResponse<Req>;
