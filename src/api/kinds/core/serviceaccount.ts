/** core/v1 ServiceAccount, with the `token` subresource that issues TokenRequests. */
import type { KindDef } from '../types.ts';
import { ageColumn, items } from './util.ts';

/** The `serviceaccounts` resource of core/v1. */
export const serviceAccountKind: KindDef = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  listKind: 'ServiceAccountList',
  resource: 'serviceaccounts',
  singular: 'serviceaccount',
  namespaced: true,
  shortNames: ['sa'],
  schema: 'io.k8s.api.core.v1.ServiceAccount',
  subresources: [
    {
      name: 'token',
      responseKind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' },
      verbs: ['create'],
    },
  ],
  strategy: {},
  columns: [
    {
      name: 'Secrets',
      type: 'integer',
      description: 'Number of secrets listed.',
      priority: 0,
      cell: (o) => items(o.secrets).length,
    },
    ageColumn,
  ],
};
