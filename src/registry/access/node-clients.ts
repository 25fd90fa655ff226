/**
 * Node agents pull with their client certificate. A registry that the platform runs is served with
 * TLS that asks for (but does not require) a client certificate and verifies it against the Berth
 * cluster CA only; a connection whose verified certificate names a node (CN `system:node:NAME`,
 * O `system:nodes`, as TLS bootstrap issues them) may pull from every repository, private
 * namespaces included, and do nothing else. containerd presents that certificate through the
 * `client` entry of the registry's hosts.toml, so nodes need no robot account, token or pull secret.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Access } from '../auth.ts';

export const nodeGroup = 'system:nodes';
const nodeUserPrefix = 'system:node:';

/**
 * How far Berth's signers backdate a certificate's notBefore for clock skew (src/apiserver/pki/csr.ts
 * and issue.ts): notBefore plus this is when it was issued.
 */
export const CERT_BACKDATE_MS = 5 * 60 * 1000;

/** A verified node client certificate: whose it is and when it was issued (ms since the epoch). */
export interface NodeClient {
  name: string;
  issuedAtMs: number;
}

/** The node of a request's verified client certificate, or undefined when it has none. */
export function nodeClient(req: IncomingMessage): NodeClient | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  // `authorized` is true only when a certificate was sent and verified against the server's `ca`.
  if (!socket.encrypted || socket.authorized !== true || !socket.getPeerCertificate) return undefined;
  const cert = socket.getPeerCertificate();
  const subject = cert.subject as Record<string, string | string[]> | undefined;
  const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : [v].flat());
  const cn = list(subject?.CN)[0] ?? '';
  if (!cn.startsWith(nodeUserPrefix) || !list(subject?.O).includes(nodeGroup)) return undefined;
  const name = cn.slice(nodeUserPrefix.length);
  const notBefore = Date.parse(cert.valid_from);
  if (!name || !Number.isFinite(notBefore)) return undefined;
  return { name, issuedAtMs: notBefore + CERT_BACKDATE_MS };
}

/** The node name of a request's verified client certificate, or undefined when it has none. */
export function nodeClientName(req: IncomingMessage): string | undefined {
  return nodeClient(req)?.name;
}

/**
 * Whether Node `name` exists and a certificate for it issued at `issuedAtMs` belongs to that Node
 * rather than to an earlier Node of the same name (src/registry/node-presence.ts).
 */
export type NodeCertificateCheck = (name: string, issuedAtMs: number) => boolean;

/** Whether `need` asks for nothing but pulls (the `/v2/` check, an empty list, included). */
export function pullOnly(need: readonly Access[]): boolean {
  return need.every((a) => a.type === 'repository' && a.actions.every((x) => x === 'pull'));
}
