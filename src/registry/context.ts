/**
 * What every handler works with: the metadata store, the blob store, namespaces and accounts, the
 * authorizer (and, with token authentication, the access control behind it), the pull-through
 * cache's upstream clients, a clock and a logger. Handlers are plain async functions of (context,
 * request, response, route parameters).
 */
import type { AccountStore } from './access/accounts.ts';
import type { AccessControl } from './access/authorizer.ts';
import type { TokenIssuer } from './access/tokens.ts';
import type { Authorizer } from './auth.ts';
import type { UpstreamPool } from './proxy/pull-through.ts';
import type { BlobStore } from './storage/blob-store.ts';
import type { SpaceReserve } from './storage/free-space.ts';
import type { RegistryMetadata } from './storage/metadata.ts';
import type { NamespaceStore } from './storage/namespaces.ts';

/** The logging surface the registry needs (pino's, and the API server's Logger, fit it). */
export interface RegistryLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything. */
export const silentLogger: RegistryLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface RegistryContext {
  meta: RegistryMetadata;
  blobs: BlobStore;
  namespaces: NamespaceStore;
  accounts: AccountStore;
  authorize: Authorizer;
  /** Token authentication (the default); absent when a custom authorizer was given. */
  accessControl?: AccessControl;
  tokens?: TokenIssuer;
  upstreams: UpstreamPool;
  now: () => number;
  log: RegistryLogger;
  /** Free space new uploads must leave on the blob volume (storage/free-space.ts). */
  spaceReserve: SpaceReserve;
}
