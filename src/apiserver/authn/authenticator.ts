/**
 * The authenticator contract. Each way of proving identity (client certificate, static token,
 * service-account token) is one Authenticator; `unionAuthenticator` chains them.
 */
import type { IncomingMessage } from 'node:http';
import { unauthorized } from '../../api/errors.ts';
import type { StatusError } from '../../api/errors.ts';
import type { UserInfo } from './user.ts';

/**
 * Establishes who sent a request.
 * - resolves a user when the request carries credentials this authenticator accepts;
 * - resolves undefined when it carries none this authenticator recognizes (another may);
 * - throws a 401 StatusError when it carries credentials of this authenticator's kind that are
 *   invalid (bad signature, expired, unknown CA, deleted service account).
 */
export interface Authenticator {
  authenticate(req: IncomingMessage): Promise<UserInfo | undefined>;
  /**
   * Optional fast path: the user `authenticate` would resolve, when that is already known without
   * any work (a keep-alive connection whose client certificate was judged before); otherwise
   * undefined, and the caller calls `authenticate`. Never rejects anything itself.
   */
  known?(req: IncomingMessage): UserInfo | undefined;
}

/**
 * A 401 whose wire message stays the generic "Unauthorized" (as Kubernetes answers, so probing
 * learns nothing) while `cause` keeps the real reason for the server's log.
 */
export function rejectCredentials(reason: string): StatusError {
  const err = unauthorized();
  err.cause = reason;
  return err;
}
