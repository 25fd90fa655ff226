/**
 * PKCS#10 certificate requests, both sides of TLS bootstrap: a node makes a key and a request for
 * its client identity (CN system:node:NAME, O system:nodes), and the cluster signer turns an approved
 * request into a certificate from the cluster CA. The key never leaves the requester; the signer sees
 * only the public key, the subject and the requested extensions.
 */
import { randomBytes } from 'node:crypto';
import type { x509 } from './x509-lib.ts';
import { callX509Process, inX509Process, x509Lib } from './x509-process.ts';
import { ecdsaP256, generateKeyPair, importPrivateKey, privateKeyToPem } from './keys.ts';
import type { CertificateAuthority } from './issue.ts';

/** A subject as Kubernetes' x509 authenticator reads it: CN = user, each O = a group. */
export interface CsrSubject {
  commonName: string;
  organizations: string[];
  /** DNS names asked for as subjectAltNames (serving certificates). */
  dnsNames?: string[];
  /** IP addresses asked for as subjectAltNames (serving certificates). */
  ips?: string[];
}

/** What the signer and approver need to know about a request. */
export interface ParsedCsr extends CsrSubject {
  /** DNS names, IPs, e-mail addresses and URIs asked for in a subjectAltName extension. */
  subjectAltNames: string[];
  /** The requested public key, SPKI DER. */
  publicKeyDer: Buffer;
}

/** A fresh P-256 key and a signed request for `subject`, both PEM. */
export async function createCertificateRequest(subject: CsrSubject): Promise<{ csr: string; key: string }> {
  if (!inX509Process) return callX509Process('createCertificateRequest', subject);
  const x509 = await x509Lib();
  const keys = await generateKeyPair();
  const name: x509.JsonName = [
    { CN: [subject.commonName] },
    ...subject.organizations.map((o) => ({ O: [o] })),
  ];
  const sans: x509.JsonGeneralNames = [
    ...(subject.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(subject.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const req = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys,
    signingAlgorithm: ecdsaP256,
    extensions: sans.length ? [new x509.SubjectAlternativeNameExtension(sans)] : [],
  });
  return { csr: req.toString('pem'), key: await privateKeyToPem(keys.privateKey) };
}

/** Parses a PEM request and checks its self-signature; throws with a short reason when unusable. */
export async function parseCertificateRequest(pem: string): Promise<ParsedCsr> {
  if (!inX509Process) {
    // A Buffer arrives from the child as a plain Uint8Array.
    const parsed = await callX509Process('parseCertificateRequest', pem);
    return { ...parsed, publicKeyDer: Buffer.from(parsed.publicKeyDer) };
  }
  const x509 = await x509Lib();
  let req: x509.Pkcs10CertificateRequest;
  try {
    req = new x509.Pkcs10CertificateRequest(pem);
  } catch (err) {
    throw new Error(`not a PKCS#10 certificate request: ${(err as Error).message}`, { cause: err });
  }
  if (!(await req.verify())) throw new Error('the certificate request signature does not verify');
  const san = req.getExtension(subjectAltNameOid);
  return {
    commonName: req.subjectName.getField('CN')[0] ?? '',
    organizations: req.subjectName.getField('O'),
    subjectAltNames:
      san instanceof x509.SubjectAlternativeNameExtension
        ? san.names.items.map((n) => `${n.type}:${n.value}`)
        : [],
    publicKeyDer: Buffer.from(req.publicKey.rawData),
  };
}

const subjectAltNameOid = '2.5.29.17';

export interface SignOptions {
  /** Validity in seconds from now. */
  seconds: number;
  /** Kubernetes key usage names from the request (`client auth`, `digital signature`, ...). */
  usages: string[];
  /**
   * Copy the request's subjectAltName extension into the certificate (serving certificates). Only
   * for signers that have checked the names first: the requester chose them.
   */
  copySubjectAltNames?: boolean;
}

/** Kubernetes usage names that become an extendedKeyUsage. */
const extendedUsages = (x: typeof x509): Record<string, x509.ExtendedKeyUsageType> => ({
  'client auth': x.ExtendedKeyUsage.clientAuth,
  'server auth': x.ExtendedKeyUsage.serverAuth,
});

/**
 * Signs the (already parsed and approved) request with the CA: the request's subject, its public key,
 * key usages from `usages`. The certificate starts five minutes in the past for clock skew and never
 * outlives the CA.
 */
export async function signCertificateRequest(
  ca: CertificateAuthority,
  csrPem: string,
  o: SignOptions,
): Promise<string> {
  if (!inX509Process) return callX509Process('signCertificateRequest', ca, csrPem, o);
  const x509 = await x509Lib();
  const req = new x509.Pkcs10CertificateRequest(csrPem);
  const caCert = new x509.X509Certificate(ca.caCert);
  const signingKey = await importPrivateKey(ca.caKey);
  const publicKey = await req.publicKey.export();
  let flags = 0;
  if (o.usages.includes('digital signature')) flags |= x509.KeyUsageFlags.digitalSignature;
  if (o.usages.includes('key encipherment')) flags |= x509.KeyUsageFlags.keyEncipherment;
  const eku = o.usages.map((u) => extendedUsages(x509)[u]).filter((u): u is x509.ExtendedKeyUsageType => !!u);
  const caKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const san = o.copySubjectAltNames ? req.getExtension(subjectAltNameOid) : null;
  const now = Date.now();
  const notAfter = Math.min(now + o.seconds * 1000, caCert.notAfter.getTime());
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x01;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString('hex'),
    subject: req.subjectName,
    issuer: caCert.subjectName,
    publicKey,
    signingKey,
    signingAlgorithm: ecdsaP256,
    notBefore: new Date(now - 5 * 60 * 1000),
    notAfter: new Date(notAfter),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      ...(flags ? [new x509.KeyUsagesExtension(flags, true)] : []),
      ...(eku.length ? [new x509.ExtendedKeyUsageExtension(eku)] : []),
      caKeyId
        ? new x509.AuthorityKeyIdentifierExtension(caKeyId)
        : await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
      ...(san instanceof x509.SubjectAlternativeNameExtension
        ? [new x509.SubjectAlternativeNameExtension(san.names.toJSON())]
        : []),
    ],
  });
  return cert.toString('pem');
}
