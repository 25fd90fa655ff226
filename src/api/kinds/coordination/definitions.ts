/** Schemas of coordination.k8s.io/v1: Lease, used for leader election and node heartbeats. */
import { s, type Definitions } from '../../schema/types.ts';
import { kindSchema, listSchema } from '../networking/kind-schema.ts';

const P = 'io.k8s.api.coordination.v1.';
const MICRO = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';

export const definitions: Definitions = {
  [P + 'Lease']: kindSchema('coordination.k8s.io', 'v1', 'Lease', 'A lease held by one holder at a time.', {
    spec: s.ref(P + 'LeaseSpec', 'Who holds the lease and until when.'),
  }),
  [P + 'LeaseList']: listSchema('coordination.k8s.io', 'v1', 'Lease', P + 'Lease'),
  [P + 'LeaseSpec']: s.obj(
    {
      holderIdentity: s.str('Identity of the current holder.'),
      leaseDurationSeconds: s.int32(
        'How long other candidates wait after the last renewal before taking over.',
      ),
      acquireTime: s.ref(MICRO, 'When the current holder acquired the lease.'),
      renewTime: s.ref(MICRO, 'When the holder last renewed the lease.'),
      leaseTransitions: s.int32('How many times the lease changed holders.'),
    },
    'State of a lease.',
  ),
};
