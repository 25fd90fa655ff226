/**
 * Chains authenticators: the first to resolve a user wins, and an authenticator that rejects the
 * credentials it recognizes ends the chain with its 401. When all pass and the request still
 * offered a bearer token, nobody recognized it: that is a 401 as well, never silent anonymity.
 */
import type { IncomingMessage } from 'node:http';
import { rejectCredentials } from './authenticator.ts';
import type { Authenticator } from './authenticator.ts';
import { bearerToken } from './bearer.ts';
import type { UserInfo } from './user.ts';

/** Tries `list` in order; see the file comment for the rules. */
export function unionAuthenticator(list: readonly Authenticator[]): Authenticator {
  return {
    async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
      for (const a of list) {
        const user = await a.authenticate(req);
        if (user) return user;
      }
      if (bearerToken(req) !== undefined) throw rejectCredentials('bearer token not recognized');
      return undefined;
    },
    // The first authenticator's user ends the chain, so when it already knows the user, so does the union.
    known: (req) => list[0]?.known?.(req),
  };
}
