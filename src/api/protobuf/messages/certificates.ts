/**
 * Protobuf tables for certificates.k8s.io/v1 CertificateSigningRequest: `kubectl certificate
 * approve|deny` sends the whole request back to /approval as protobuf. Field numbers from Kubernetes'
 * generated.proto; see ../table.ts for the flags. spec.extra uses ExtraValue's table form ({items}),
 * as authentication/v1 does; requests made by users with extra attributes are rare.
 */
import type { MessageTable } from '../table.ts';

export const certificatesMessages: MessageTable = {
  'certificates.v1.CertificateSigningRequest': {
    1: ['metadata', 'meta.v1.ObjectMeta'],
    2: ['spec', 'certificates.v1.CertificateSigningRequestSpec'],
    3: ['status', 'certificates.v1.CertificateSigningRequestStatus'],
  },
  'certificates.v1.CertificateSigningRequestSpec': {
    1: ['request', 'bytes'],
    2: ['username', 'string'],
    3: ['uid', 'string'],
    4: ['groups', 'string', 'r'],
    5: ['usages', 'string', 'r'],
    6: ['extra', 'certificates.v1.ExtraValue', 'm'],
    7: ['signerName', 'string'],
    8: ['expirationSeconds', 'int32', 'z'],
  },
  'certificates.v1.ExtraValue': { 1: ['items', 'string', 'r'] },
  'certificates.v1.CertificateSigningRequestStatus': {
    1: ['conditions', 'certificates.v1.CertificateSigningRequestCondition', 'r'],
    2: ['certificate', 'bytes'],
  },
  'certificates.v1.CertificateSigningRequestCondition': {
    1: ['type', 'string'],
    2: ['reason', 'string'],
    3: ['message', 'string'],
    4: ['lastUpdateTime', 'Time'],
    5: ['lastTransitionTime', 'Time'],
    6: ['status', 'string'],
  },
};
