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

/** The node name of a request's verified client certificate, or undefined when it has none. */
export function nodeClientName(req: IncomingMessage): string | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  // `authorized` is true only when a certificate was sent and verified against the server's `ca`.
  if (!socket.encrypted || socket.authorized !== true || !socket.getPeerCertificate) return undefined;
  const subject = socket.getPeerCertificate().subject as Record<string, string | string[]> | undefined;
  const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : [v].flat());
  const cn = list(subject?.CN)[0] ?? '';
  if (!cn.startsWith(nodeUserPrefix) || !list(subject?.O).includes(nodeGroup)) return undefined;
  return cn.slice(nodeUserPrefix.length) || undefined;
}

/** Whether `need` asks for nothing but pulls (the `/v2/` check, an empty list, included). */
export function pullOnly(need: readonly Access[]): boolean {
  return need.every((a) => a.type === 'repository' && a.actions.every((x) => x === 'pull'));
}
