/**
 * Minting service-account tokens: ES256 JWTs with the claims Kubernetes' bound tokens carry, so
 * in-cluster clients and tools that inspect tokens see the familiar shape:
 *   iss, sub = system:serviceaccount:NS:NAME, aud, exp, iat, nbf, jti,
 *   kubernetes.io: { namespace, serviceaccount: {name, uid}, pod|secret|node?: {name, uid} }
 * The header's `kid` is the base64url SHA-256 of the signing key's public SPKI, as Kubernetes sets it.
 */
import { createHash, createPrivateKey, createPublicKey, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { jose } from './jose-lib.ts';

/** The issuer of every token the cluster mints, and the default audience it accepts. */
export const serviceAccountIssuer = 'https://kubernetes.default.svc.cluster.local';

/** The object a token's life is bound to: it stops working when that object is deleted. */
export interface BoundObjectRef {
  kind: 'Pod' | 'Secret' | 'Node';
  name: string;
  uid: string;
}

export interface ServiceAccountTokenRequest {
  namespace: string;
  name: string;
  uid: string;
  audiences: string[];
  expirationSeconds: number;
  boundObject?: BoundObjectRef;
  /** Issuer; serviceAccountIssuer unless told. */
  issuer?: string;
  /** Issue time in milliseconds; now unless told. */
  now?: number;
}

/** The `kubernetes.io` private claim. */
export interface KubernetesClaims {
  namespace: string;
  serviceaccount: { name: string; uid: string };
  pod?: { name: string; uid: string };
  secret?: { name: string; uid: string };
  node?: { name: string; uid: string };
}

/** `system:serviceaccount:NS:NAME`, the user name of a service account. */
export function serviceAccountUserName(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** The key id Kubernetes puts in token headers: base64url(sha256(DER SPKI)). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url');
}

const signingKeys = new Map<string, { key: KeyObject; kid: string }>();

function signingKey(pem: string): { key: KeyObject; kid: string } {
  let entry = signingKeys.get(pem);
  if (!entry) {
    const key = createPrivateKey(pem);
    entry = { key, kid: keyIdOf(createPublicKey(key)) };
    signingKeys.set(pem, entry);
  }
  return entry;
}

/** Signs a service-account token with the cluster's ES256 key (PKCS#8 or SEC1 PEM, or a KeyObject). */
export async function signServiceAccountToken(
  key: string | KeyObject,
  req: ServiceAccountTokenRequest,
): Promise<string> {
  const { key: privateKey, kid } =
    typeof key === 'string' ? signingKey(key) : { key, kid: keyIdOf(createPublicKey(key)) };
  const iat = Math.floor((req.now ?? Date.now()) / 1000);
  const claims: KubernetesClaims = {
    namespace: req.namespace,
    serviceaccount: { name: req.name, uid: req.uid },
  };
  if (req.boundObject) {
    const ref = { name: req.boundObject.name, uid: req.boundObject.uid };
    if (req.boundObject.kind === 'Pod') claims.pod = ref;
    else if (req.boundObject.kind === 'Secret') claims.secret = ref;
    else claims.node = ref;
  }
  return new (jose().SignJWT)({ 'kubernetes.io': { ...claims } })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setIssuer(req.issuer ?? serviceAccountIssuer)
    .setSubject(serviceAccountUserName(req.namespace, req.name))
    .setAudience(req.audiences)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + req.expirationSeconds)
    .setJti(randomUUID())
    .sign(privateKey);
}
