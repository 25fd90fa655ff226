/**
 * What every handler works with: the metadata store, the blob store, the authorizer and a logger.
 * Handlers are plain async functions of (context, request, response, route parameters).
 */
import type { Authorizer } from './auth.ts';
import type { BlobStore } from './storage/blob-store.ts';
import type { RegistryMetadata } from './storage/metadata.ts';

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
  authorize: Authorizer;
  log: RegistryLogger;
}
