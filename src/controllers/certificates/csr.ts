/**
 * What the certificate controllers share: the CertificateSigningRequest shape they read, the
 * signer names Berth signs for, and the rule a node client certificate request must follow
 * (CN system:node:NAME, O exactly system:nodes, no subjectAltNames, client usages only).
 */
import type { DeepReadonly, KubeObject } from '../../api/object.ts';
import type { ParsedCsr } from '../../apiserver/pki/csr.ts';

export const kubeletClientSigner = 'kubernetes.io/kube-apiserver-client-kubelet';
export const apiserverClientSigner = 'kubernetes.io/kube-apiserver-client';
export const kubeletServingSigner = 'kubernetes.io/kubelet-serving';
/**
 * The CN of the API server's client certificate for node agents: agents trust exactly this name from
 * the cluster CA, so the kube-apiserver-client signer never issues it to anyone else.
 */
export const apiserverKubeletClientName = 'kube-apiserver-kubelet-client';

export interface CsrCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface Csr extends KubeObject {
  spec: {
    request: string;
    signerName: string;
    expirationSeconds?: number;
    usages?: string[];
    username?: string;
    uid?: string;
    groups?: string[];
  };
  status?: { conditions?: CsrCondition[]; certificate?: string };
}

/** True when the request carries condition `type` with status True. */
export function hasCondition(csr: DeepReadonly<Pick<Csr, 'status'>>, type: string): boolean {
  return (csr.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** The PEM text of spec.request. */
export function requestPem(csr: DeepReadonly<Pick<Csr, 'spec'>>): string {
  return Buffer.from(csr.spec.request ?? '', 'base64').toString('utf8');
}

const nodeClientUsages = new Set(['digital signature', 'key encipherment', 'client auth']);

/** Why `parsed` (with `usages`) is not a valid node client certificate request, or undefined. */
export function nodeClientProblem(parsed: ParsedCsr, usages: readonly string[]): string | undefined {
  if (!parsed.commonName.startsWith('system:node:') || parsed.commonName === 'system:node:')
    return `subject common name must begin with "system:node:", not ${JSON.stringify(parsed.commonName)}`;
  if (parsed.organizations.length !== 1 || parsed.organizations[0] !== 'system:nodes')
    return 'subject organization must be exactly ["system:nodes"]';
  if (parsed.subjectAltNames.length) return 'subjectAltNames are not allowed';
  if (!usages.includes('client auth')) return 'usages must include "client auth"';
  const extra = usages.filter((u) => !nodeClientUsages.has(u));
  if (extra.length) return `usages not allowed: ${extra.join(', ')}`;
  return undefined;
}

/** Why `usages` (and the subject) do not fit a kube-apiserver-client certificate, or undefined. */
export function apiserverClientProblem(
  usages: readonly string[],
  parsed?: Pick<ParsedCsr, 'commonName'>,
): string | undefined {
  if (parsed?.commonName === apiserverKubeletClientName)
    return `subject common name ${JSON.stringify(apiserverKubeletClientName)} is reserved for the API server`;
  if (!usages.includes('client auth')) return 'usages must include "client auth"';
  const extra = usages.filter((u) => !nodeClientUsages.has(u));
  if (extra.length) return `usages not allowed: ${extra.join(', ')}`;
  return undefined;
}

/** An RFC 3339 timestamp without fractions, as conditions carry. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

const servingUsages = new Set(['digital signature', 'key encipherment', 'server auth']);

/**
 * Why `parsed` (with `usages`) is not a valid kubelet serving certificate request, or undefined:
 * CN system:node:NAME, O exactly system:nodes, at least one subjectAltName and only DNS names and IP
 * addresses, usages "server auth" plus at most digital signature / key encipherment.
 */
export function kubeletServingProblem(parsed: ParsedCsr, usages: readonly string[]): string | undefined {
  if (!parsed.commonName.startsWith('system:node:') || parsed.commonName === 'system:node:')
    return `subject common name must begin with "system:node:", not ${JSON.stringify(parsed.commonName)}`;
  if (parsed.organizations.length !== 1 || parsed.organizations[0] !== 'system:nodes')
    return 'subject organization must be exactly ["system:nodes"]';
  if (!parsed.subjectAltNames.length) return 'at least one DNS or IP subjectAltName is required';
  const other = parsed.subjectAltNames.filter((n) => !n.startsWith('dns:') && !n.startsWith('ip:'));
  if (other.length) return `only DNS and IP subjectAltNames are allowed, not ${other.join(', ')}`;
  if (!usages.includes('server auth')) return 'usages must include "server auth"';
  const extra = usages.filter((u) => !servingUsages.has(u));
  if (extra.length) return `usages not allowed: ${extra.join(', ')}`;
  return undefined;
}
