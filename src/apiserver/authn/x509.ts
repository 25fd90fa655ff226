/**
 * Client-certificate authentication. The TLS layer (server started with `requestCert: true`,
 * `rejectUnauthorized: false`, `ca: <cluster CA>`) verifies the chain; this reads the verdict and
 * the subject: user = CN, groups = every O. A certificate the TLS layer did not verify is invalid
 * credentials (401), not anonymity. The result is cached per connection, so keep-alive requests
 * do no certificate work at all.
 */
import type { IncomingMessage } from 'node:http';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { rejectCredentials } from './authenticator.ts';
import type { Authenticator } from './authenticator.ts';
import { freezeUser, withAuthenticatedGroup } from './user.ts';
import type { UserInfo } from './user.ts';

const clientAuthOid = '1.3.6.1.5.5.7.3.2';

type Verdict = { user: UserInfo } | { reason: string } | { none: true };

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function judge(socket: TLSSocket): Verdict {
  const cert: PeerCertificate = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return { none: true };
  if (!socket.authorized) {
    return { reason: `client certificate rejected: ${String(socket.authorizationError ?? 'not verified')}` };
  }
  const usages = cert.ext_key_usage;
  if (usages && usages.length > 0 && !usages.includes(clientAuthOid)) {
    return { reason: 'client certificate is not valid for client authentication' };
  }
  const name = asList(cert.subject?.CN)[0];
  if (!name) return { reason: 'client certificate has no common name' };
  const user: UserInfo = { name, groups: withAuthenticatedGroup(asList(cert.subject?.O)) };
  return { user: freezeUser(user) };
}

/** Authenticates requests by the TLS client certificate of their connection. */
export function x509Authenticator(): Authenticator {
  const verdicts = new WeakMap<TLSSocket, Verdict>();
  return {
    authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
      const socket = req.socket as TLSSocket;
      if (typeof socket.getPeerCertificate !== 'function') return Promise.resolve(undefined); // plain HTTP
      let verdict = verdicts.get(socket);
      if (!verdict) {
        verdict = judge(socket);
        verdicts.set(socket, verdict);
      }
      if ('user' in verdict) return Promise.resolve(verdict.user);
      if ('reason' in verdict) return Promise.reject(rejectCredentials(verdict.reason));
      return Promise.resolve(undefined);
    },
    known(req: IncomingMessage): UserInfo | undefined {
      const verdict = verdicts.get(req.socket as TLSSocket);
      return verdict && 'user' in verdict ? verdict.user : undefined;
    },
  };
}
