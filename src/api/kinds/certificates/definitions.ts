/** Schemas of certificates.k8s.io/v1: CertificateSigningRequest, the way nodes and users get certificates. */
import { s, type Definitions } from '../../schema/types.ts';
import { kindSchema, listSchema } from '../networking/kind-schema.ts';

const P = 'io.k8s.api.certificates.v1.';
const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';

export const definitions: Definitions = {
  [P + 'CertificateSigningRequest']: kindSchema(
    'certificates.k8s.io',
    'v1',
    'CertificateSigningRequest',
    'A request for a certificate from a named signer; approved (or denied) and then signed.',
    {
      spec: s.ref(P + 'CertificateSigningRequestSpec', 'The request; immutable once created.'),
      status: s.ref(P + 'CertificateSigningRequestStatus', 'Approval conditions and the issued certificate.'),
    },
    ['spec'],
  ),
  [P + 'CertificateSigningRequestList']: listSchema(
    'certificates.k8s.io',
    'v1',
    'CertificateSigningRequest',
    P + 'CertificateSigningRequest',
  ),
  [P + 'CertificateSigningRequestSpec']: s.obj(
    {
      request: s.bytes('A PEM "CERTIFICATE REQUEST" block (PKCS#10), base64 in JSON.'),
      signerName: s.str('The signer asked to sign, e.g. kubernetes.io/kube-apiserver-client-kubelet.'),
      expirationSeconds: s.int32(
        'Requested validity of the certificate; the signer may shorten it (minimum 600).',
      ),
      usages: s.strList('Requested key usages, e.g. "digital signature", "client auth".'),
      username: s.str('Who created the request; set by the server.'),
      uid: s.str('The uid of who created the request; set by the server.'),
      groups: s.strList('The groups of who created the request; set by the server.'),
      extra: s.mapOf(
        { type: 'array', items: { type: 'string' } },
        'Extra attributes of who created the request; set by the server.',
      ),
    },
    'What is requested, and by whom.',
    ['request', 'signerName'],
  ),
  [P + 'CertificateSigningRequestStatus']: s.obj(
    {
      conditions: s.mapList(
        s.ref(P + 'CertificateSigningRequestCondition'),
        'type',
        'Approved, Denied and Failed conditions.',
      ),
      certificate: s.bytes('The issued certificate (PEM), set by the signer after approval.'),
    },
    'State of the request.',
  ),
  [P + 'CertificateSigningRequestCondition']: s.obj(
    {
      type: s.str('Approved, Denied or Failed.'),
      status: s.str('"True", "False" or "Unknown".'),
      reason: s.str('A brief CamelCase reason.'),
      message: s.str('A human-readable explanation.'),
      lastUpdateTime: s.ref(TIME, 'When the condition was last updated.'),
      lastTransitionTime: s.ref(TIME, 'When the status last changed.'),
    },
    'One condition of a request.',
    ['type', 'status'],
  ),
};
