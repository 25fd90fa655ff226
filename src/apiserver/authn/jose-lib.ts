/**
 * jose, loaded on first use: ~46 modules a server keeps for good once loaded, while a cluster
 * that nobody reaches with a service-account token never needs them. Synchronous (require of the
 * ES module), so callers keep their shape.
 */
import { createRequire } from 'node:module';
import type * as Jose from 'jose';

let lib: typeof Jose | undefined;

/** The jose module (loaded by the first call). */
export function jose(): typeof Jose {
  return (lib ??= createRequire(import.meta.url)('jose') as typeof Jose);
}
