/**
 * Certificate issuance for the cluster CA: the self-signed CA itself, client certificates (users,
 * nodes: CN = user name, O = groups, the way Kubernetes' x509 authenticator reads them) and serving
 * certificates (SANs for every name clients dial). All keys are ECDSA P-256; all output is PEM.
 */
import { randomBytes } from 'node:crypto';
import type { x509 } from './x509-lib.ts';
import { callX509Process, inX509Process, x509Lib } from './x509-process.ts';
import { ecdsaP256, generateKeyPair, importPrivateKey, privateKeyToPem } from './keys.ts';

/** What signing needs from a CA: its certificate and private key, both PEM. */
export interface CertificateAuthority {
  caCert: string;
  caKey: string;
}

/** A certificate and its private key, both PEM. */
export interface IssuedCert {
  cert: string;
  key: string;
}

export interface ClientCertRequest {
  commonName: string;
  organizations: string[];
  /** Validity in days; 365 unless told. */
  days?: number;
}

export interface ServingCertRequest {
  dnsNames: string[];
  ips: string[];
  /** Subject CN; "berth-apiserver" unless told. */
  commonName?: string;
  /** Validity in days; 365 unless told. */
  days?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Certificates start a little in the past so a peer with a slightly slow clock accepts them. */
const BACKDATE_MS = 5 * 60 * 1000;

/** A random positive 128-bit serial number, hex, with a non-zero first byte so no DER padding applies. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + days * DAY_MS) };
}

/** Creates a self-signed CA (10 years unless told) whose only use is signing certificates. */
export async function createCertificateAuthority(commonName = 'berth-ca', days = 3650): Promise<IssuedCert> {
  if (!inX509Process) return callX509Process('createCertificateAuthority', commonName, days);
  const x509 = await x509Lib();
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: [{ CN: [commonName] }],
    keys,
    signingAlgorithm: ecdsaP256,
    ...validity(days),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await privateKeyToPem(keys.privateKey) };
}

interface LeafSpec {
  subject: x509.JsonName;
  days: number;
  usage: x509.ExtendedKeyUsage;
  extra: x509.Extension[];
}

async function signLeaf(ca: CertificateAuthority, spec: LeafSpec): Promise<IssuedCert> {
  const x509 = await x509Lib();
  const caCert = new x509.X509Certificate(ca.caCert);
  const signingKey = await importPrivateKey(ca.caKey);
  const keys = await generateKeyPair();
  const caKeyId = caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: spec.subject,
    issuer: caCert.subjectName,
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: ecdsaP256,
    ...validity(spec.days),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([spec.usage]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      caKeyId
        ? new x509.AuthorityKeyIdentifierExtension(caKeyId)
        : await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
      ...spec.extra,
    ],
  });
  return { cert: cert.toString('pem'), key: await privateKeyToPem(keys.privateKey) };
}

/**
 * Issues a client certificate: CN is the user name, each organization becomes its own O attribute
 * (one group each), usage is TLS client authentication only.
 */
export async function issueClientCert(ca: CertificateAuthority, req: ClientCertRequest): Promise<IssuedCert> {
  if (!inX509Process) return callX509Process('issueClientCert', ca, req);
  const x509 = await x509Lib();
  const subject: x509.JsonName = [{ CN: [req.commonName] }, ...req.organizations.map((o) => ({ O: [o] }))];
  return signLeaf(ca, { subject, days: req.days ?? 365, usage: x509.ExtendedKeyUsage.clientAuth, extra: [] });
}

/** Issues a TLS serving certificate for the given DNS names and IP addresses. */
export async function issueServingCert(
  ca: CertificateAuthority,
  req: ServingCertRequest,
): Promise<IssuedCert> {
  if (!inX509Process) return callX509Process('issueServingCert', ca, req);
  const x509 = await x509Lib();
  const names: x509.JsonGeneralNames = [
    ...req.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...req.ips.map((value) => ({ type: 'ip' as const, value })),
  ];
  return signLeaf(ca, {
    subject: [{ CN: [req.commonName ?? 'berth-apiserver'] }],
    days: req.days ?? 365,
    usage: x509.ExtendedKeyUsage.serverAuth,
    extra: [new x509.SubjectAlternativeNameExtension(names)],
  });
}
