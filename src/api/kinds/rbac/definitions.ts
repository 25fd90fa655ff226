/** Schemas of rbac.authorization.k8s.io/v1: roles, cluster roles and their bindings. */
import { s, type Definitions } from '../../schema/types.ts';
import { kindSchema, listSchema } from '../networking/kind-schema.ts';

const P = 'io.k8s.api.rbac.v1.';
const G = 'rbac.authorization.k8s.io';
const V = 'v1';

export const definitions: Definitions = {
  [P + 'Role']: kindSchema(G, V, 'Role', 'A namespaced set of permissions.', {
    rules: s.list(s.ref(P + 'PolicyRule'), 'The permissions the role grants.'),
  }),
  [P + 'RoleList']: listSchema(G, V, 'Role', P + 'Role'),
  [P + 'ClusterRole']: kindSchema(
    G,
    V,
    'ClusterRole',
    'A cluster-wide set of permissions, usable in any namespace.',
    {
      rules: s.list(s.ref(P + 'PolicyRule'), 'The permissions the role grants.'),
      aggregationRule: s.ref(
        P + 'AggregationRule',
        'When set, the rules are filled in from the cluster roles it selects.',
      ),
    },
  ),
  [P + 'ClusterRoleList']: listSchema(G, V, 'ClusterRole', P + 'ClusterRole'),
  [P + 'RoleBinding']: kindSchema(
    G,
    V,
    'RoleBinding',
    'Grants the permissions of a role (or cluster role) to subjects within one namespace.',
    {
      subjects: s.list(s.ref(P + 'Subject'), 'Who gets the permissions.'),
      roleRef: s.ref(P + 'RoleRef', 'The role granted; immutable.'),
    },
    ['roleRef'],
  ),
  [P + 'RoleBindingList']: listSchema(G, V, 'RoleBinding', P + 'RoleBinding'),
  [P + 'ClusterRoleBinding']: kindSchema(
    G,
    V,
    'ClusterRoleBinding',
    'Grants the permissions of a cluster role to subjects across the cluster.',
    {
      subjects: s.list(s.ref(P + 'Subject'), 'Who gets the permissions.'),
      roleRef: s.ref(P + 'RoleRef', 'The cluster role granted; immutable.'),
    },
    ['roleRef'],
  ),
  [P + 'ClusterRoleBindingList']: listSchema(G, V, 'ClusterRoleBinding', P + 'ClusterRoleBinding'),
  [P + 'PolicyRule']: s.obj(
    {
      verbs: s.strList('Verbs allowed, e.g. get, list, watch; "*" for all.'),
      apiGroups: s.strList('API groups of the resources; "" is the core group, "*" all.'),
      resources: s.strList('Resources the rule applies to, e.g. pods or pods/log; "*" for all.'),
      resourceNames: s.strList('Names of the objects allowed; all when empty.'),
      nonResourceURLs: s.strList(
        'URL paths (cluster roles only), e.g. /healthz; a trailing * matches a prefix.',
      ),
    },
    'Actions allowed on resources or non-resource URLs.',
    ['verbs'],
  ),
  [P + 'AggregationRule']: s.obj(
    {
      clusterRoleSelectors: s.list(
        s.ref('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector'),
        'Cluster roles whose rules are combined into this one.',
      ),
    },
    'How a cluster role gathers rules from other cluster roles.',
  ),
  [P + 'Subject']: s.obj(
    {
      kind: s.str('User, Group or ServiceAccount.'),
      apiGroup: s.str('"" for service accounts, rbac.authorization.k8s.io for users and groups.'),
      name: s.str('Name of the subject.'),
      namespace: s.str('Namespace of a service account.'),
    },
    'A user, group or service account.',
    ['kind', 'name'],
  ),
  [P + 'RoleRef']: s.obj(
    {
      apiGroup: s.str('Group of the role: rbac.authorization.k8s.io.'),
      kind: s.str('Role or ClusterRole.'),
      name: s.str('Name of the role.'),
    },
    'The role a binding grants.',
    ['apiGroup', 'kind', 'name'],
  ),
};
