/**
 * Access control hook. Every request is turned into the access it needs — in the Docker token
 * scope vocabulary, `repository:NAME:pull,push` or `registry:catalog:*` — and handed to an
 * Authorizer before anything is read or written. The registry's own authorizer (namespaces,
 * accounts, Bearer tokens) is in access/authorizer.ts and is the default; this file holds the hook's
 * types and two simple authorizers: `allowAll` (trusted networks, tests, benchmarks) and
 * `loopbackOnly` (clients on 127.0.0.0/8 or ::1 may do anything, everyone else gets UNAUTHORIZED).
 */
import type { IncomingMessage } from 'node:http';
import { RegistryError } from './errors.ts';

/** An action on a resource, as token scopes name them. */
export type Action = 'pull' | 'push' | 'delete' | '*';

/** One piece of access a request needs. An empty list (the `/v2/` check) asks only "who are you". */
export interface Access {
  type: 'repository' | 'registry';
  /** Repository name, or `catalog` for type registry. */
  name: string;
  actions: Action[];
}

/** The authorizer's answer: allowed, or the error to send (401 with a challenge, or 403). */
export type AuthDecision = { allowed: true } | { allowed: false; error: RegistryError };

/** Decides whether `req` may have `access`. May be asynchronous (token verification). */
export type Authorizer = (
  req: IncomingMessage,
  access: readonly Access[],
) => AuthDecision | Promise<AuthDecision>;

/** Whether the peer address is loopback (IPv4 127/8, IPv6 ::1, or IPv4-mapped loopback). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || a.startsWith('127.');
}

/** Allows everything from loopback peers and nothing from anyone else. */
export const loopbackOnly: Authorizer = (req) =>
  isLoopback(req.socket.remoteAddress)
    ? { allowed: true }
    : {
        allowed: false,
        error: new RegistryError(
          'UNAUTHORIZED',
          'this registry accepts only loopback clients until authentication is configured',
        ),
      };

/** Allows everything. For tests and trusted networks only. */
export const allowAll: Authorizer = () => ({ allowed: true });
