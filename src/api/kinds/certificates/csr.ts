/**
 * certificates.k8s.io/v1 CertificateSigningRequest: a PKCS#10 request addressed to a signer. The
 * server fills spec.username/uid/groups/extra from the requester (admission), the spec never changes
 * after create, Approved/Denied conditions change only through /approval (the status endpoint may add
 * Failed and the certificate, which is set once). Table: NAME AGE SIGNERNAME REQUESTOR
 * REQUESTEDDURATION CONDITION, as kubectl shows it.
 */
import { fieldError, type FieldError } from '../../errors.ts';
import type { KubeObject } from '../../object.ts';
import { obj, objects, str } from '../../validation/util.ts';
import type { KindDef } from '../types.ts';
import { ageColumn } from '../networking/kind-schema.ts';

/** Key usages a request may ask for (Kubernetes' KeyUsage values). */
export const keyUsages = [
  'signing',
  'digital signature',
  'content commitment',
  'key encipherment',
  'key agreement',
  'data encipherment',
  'cert sign',
  'crl sign',
  'encipher only',
  'decipher only',
  'any',
  'server auth',
  'client auth',
  'code signing',
  'email protection',
  's/mime',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'timestamping',
  'ocsp signing',
  'microsoft sgc',
  'netscape sgc',
];

const approvalTypes = ['Approved', 'Denied'];
const conditionTypes = ['Approved', 'Denied', 'Failed'];

/** "domain/path": a DNS subdomain, a slash, and a path of at most a few segments. */
function signerNameErrors(name: string): string[] {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1)
    return ["must be a fully qualified domain and path of the form 'example.com/signer-name'"];
  const domain = name.slice(0, slash);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/.test(domain))
    return ['the domain part must be a DNS subdomain with at least one dot'];
  if (name.length > 571) return ['must be no more than 571 characters'];
  return [];
}

/** True when `b64` decodes to text holding a PEM CERTIFICATE REQUEST block. */
function holdsCsrPem(b64: string): boolean {
  const text = Buffer.from(b64, 'base64').toString('utf8');
  return /-----BEGIN (NEW )?CERTIFICATE REQUEST-----[\s\S]+-----END (NEW )?CERTIFICATE REQUEST-----/.test(
    text,
  );
}

function validateCsr(o: KubeObject): FieldError[] {
  const spec = obj(o.spec);
  const errs: FieldError[] = [];
  const request = str(spec.request);
  if (!request) errs.push(fieldError.required('spec.request'));
  else if (!holdsCsrPem(request))
    errs.push(fieldError.invalid('spec.request', '<binary>', 'PEM block type must be CERTIFICATE REQUEST'));
  const signer = str(spec.signerName);
  if (!signer) errs.push(fieldError.required('spec.signerName'));
  else for (const m of signerNameErrors(signer)) errs.push(fieldError.invalid('spec.signerName', signer, m));
  if (typeof spec.expirationSeconds === 'number' && spec.expirationSeconds < 600)
    errs.push(
      fieldError.invalid(
        'spec.expirationSeconds',
        spec.expirationSeconds,
        'may not specify a duration less than 600 seconds (10 minutes)',
      ),
    );
  const usages = Array.isArray(spec.usages) ? spec.usages : [];
  usages.forEach((u, i) => {
    if (!keyUsages.includes(str(u))) errs.push(fieldError.notSupported(`spec.usages[${i}]`, u, keyUsages));
  });
  const seen = new Set<string>();
  objects(obj(o.status).conditions).forEach((c, i) => {
    const type = str(c.type);
    if (!conditionTypes.includes(type))
      errs.push(fieldError.notSupported(`status.conditions[${i}].type`, type, conditionTypes));
    if (seen.has(type)) errs.push(fieldError.duplicate(`status.conditions[${i}].type`, type));
    seen.add(type);
    if (!['True', 'False', 'Unknown'].includes(str(c.status)))
      errs.push(
        fieldError.notSupported(`status.conditions[${i}].status`, c.status, ['True', 'False', 'Unknown']),
      );
  });
  if (seen.has('Approved') && seen.has('Denied'))
    errs.push(
      fieldError.invalid(
        'status.conditions',
        'Approved',
        'Approved and Denied conditions are mutually exclusive',
      ),
    );
  return errs;
}

function approvalOf(o: KubeObject): string {
  return JSON.stringify(
    objects(obj(o.status).conditions)
      .filter((c) => approvalTypes.includes(str(c.type)))
      .map((c) => [c.type, c.status]),
  );
}

function validateCsrUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  return JSON.stringify(o.spec) === JSON.stringify(old.spec)
    ? []
    : [fieldError.forbidden('spec', 'field is immutable')];
}

function validateCsrStatusUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (approvalOf(o) !== approvalOf(old))
    errs.push(
      fieldError.forbidden(
        'status.conditions',
        'updates may not add or remove Approved or Denied conditions (use the approval subresource)',
      ),
    );
  const was = str(obj(old.status).certificate);
  const now = str(obj(o.status).certificate);
  if (was && now !== was)
    errs.push(
      fieldError.forbidden('status.certificate', 'updates may not modify existing certificate content'),
    );
  if (now && !was && !conditionIs(o, 'Approved'))
    errs.push(
      fieldError.forbidden('status.certificate', 'only an Approved request may be issued a certificate'),
    );
  return errs;
}

/** True when the request carries condition `type` with status True. */
export function conditionIs(o: KubeObject, type: string): boolean {
  return objects(obj(o.status).conditions).some((c) => c.type === type && c.status === 'True');
}

/** kubectl's CONDITION cell: Pending, or the true conditions joined (Approved,Issued). */
export function conditionCell(o: KubeObject): string {
  const names = objects(obj(o.status).conditions)
    .filter((c) => c.status === 'True')
    .map((c) => str(c.type));
  if (str(obj(o.status).certificate)) names.push('Issued');
  return names.length ? names.join(',') : 'Pending';
}

function durationCell(seconds: unknown): string {
  if (typeof seconds !== 'number') return '<none>';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h >= 48) return `${Math.floor(h / 24)}d${h % 24 ? `${h % 24}h` : ''}`;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

export const certificateSigningRequest: KindDef = {
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  listKind: 'CertificateSigningRequestList',
  resource: 'certificatesigningrequests',
  singular: 'certificatesigningrequest',
  namespaced: false,
  shortNames: ['csr'],
  schema: 'io.k8s.api.certificates.v1.CertificateSigningRequest',
  hasStatus: true,
  subresources: [
    {
      name: 'approval',
      responseKind: { group: 'certificates.k8s.io', version: 'v1', kind: 'CertificateSigningRequest' },
      verbs: ['get', 'patch', 'update'],
    },
  ],
  strategy: {
    validate: validateCsr,
    validateUpdate: validateCsrUpdate,
    validateStatusUpdate: validateCsrStatusUpdate,
  },
  columns: [
    ageColumn,
    {
      name: 'SignerName',
      type: 'string',
      description: 'The signer the request is addressed to.',
      priority: 0,
      cell: (o) => str(obj(o.spec).signerName),
    },
    {
      name: 'Requestor',
      type: 'string',
      description: 'Who created the request.',
      priority: 0,
      cell: (o) => str(obj(o.spec).username),
    },
    {
      name: 'RequestedDuration',
      type: 'string',
      description: 'The validity asked for.',
      priority: 0,
      cell: (o) => durationCell(obj(o.spec).expirationSeconds),
    },
    {
      name: 'Condition',
      type: 'string',
      description: 'Pending, Approved, Denied, Failed, Issued.',
      priority: 0,
      cell: conditionCell,
    },
  ],
};
