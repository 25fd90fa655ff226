/**
 * ECDSA P-256 key handling: generation and PEM conversion. P-256 keeps TLS handshakes and
 * certificate issuance cheap; private keys are written as PKCS#8 ("PRIVATE KEY"), which Go's
 * crypto/tls (kubectl) and Node's TLS both read. Loading accepts any PEM Node understands (PKCS#8
 * or SEC1 "EC PRIVATE KEY"), so a CA brought from elsewhere still works.
 */
import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** The algorithm for every key and signature this package makes. */
export const ecdsaP256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** Wraps DER bytes in a PEM block with 64-column base64 lines. */
export function toPem(label: string, der: ArrayBuffer | Uint8Array): string {
  const b64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** A fresh extractable P-256 key pair. */
export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ecdsaP256, true, ['sign', 'verify']);
}

/** PKCS#8 PEM of a private key. */
export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  return toPem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', key));
}

/** SubjectPublicKeyInfo PEM of a public key. */
export async function publicKeyToPem(key: CryptoKey): Promise<string> {
  return toPem('PUBLIC KEY', await webcrypto.subtle.exportKey('spki', key));
}

/** Imports a P-256 private key (any PEM form) as a WebCrypto signing key. */
export async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, ecdsaP256, true, ['sign']);
}

/** The DER SubjectPublicKeyInfo of a private key's public half, for matching keys to certificates. */
export function publicKeyDerOfPrivate(pem: string): Buffer {
  return createPublicKey(pem).export({ type: 'spki', format: 'der' });
}

/** The SPKI PEM of a private key's public half. */
export function publicKeyPemOfPrivate(pem: string): string {
  return createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString();
}
