/**
 * Stamps a new CertificateSigningRequest with who asked for it: spec.username, uid, groups and extra
 * come from the authenticated requester, whatever the body said — approvers and signers decide on
 * them, so they must not be forgeable.
 */
import type { AdmissionPlugin } from './types.ts';

export function certificateRequester(): AdmissionPlugin {
  return {
    name: 'CertificateRequester',
    admit(a) {
      if (a.operation !== 'CREATE' || !a.obj) return;
      if (a.kind.group !== 'certificates.k8s.io' || a.kind.resource !== 'certificatesigningrequests') return;
      const spec = (a.obj.spec ??= {}) as Record<string, unknown>;
      const u = a.ctx.user;
      spec.username = u.name;
      if (u.uid) spec.uid = u.uid;
      else delete spec.uid;
      spec.groups = [...u.groups];
      if (u.extra && Object.keys(u.extra).length) spec.extra = structuredClone(u.extra);
      else delete spec.extra;
    },
  };
}
