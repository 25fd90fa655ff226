/**
 * Schemas of authorization.k8s.io/v1: the access review kinds (`kubectl auth can-i`) with their
 * request specs and the answers the server fills in.
 */
import { s, type Definitions } from '../../schema/types.ts';
import { kindSchema } from '../networking/kind-schema.ts';

const P = 'io.k8s.api.authorization.v1.';
const G = 'authorization.k8s.io';
const V = 'v1';

const review = (kind: string, description: string, spec: string, status: string) =>
  kindSchema(
    G,
    V,
    kind,
    description,
    {
      spec: s.ref(P + spec, 'The question asked.'),
      status: s.ref(P + status, 'The answer, filled in by the server.'),
    },
    ['spec'],
  );

export const definitions: Definitions = {
  [P + 'SubjectAccessReview']: review(
    'SubjectAccessReview',
    'Asks whether a given user may perform an action.',
    'SubjectAccessReviewSpec',
    'SubjectAccessReviewStatus',
  ),
  [P + 'LocalSubjectAccessReview']: review(
    'LocalSubjectAccessReview',
    'Asks whether a given user may perform an action in one namespace.',
    'SubjectAccessReviewSpec',
    'SubjectAccessReviewStatus',
  ),
  [P + 'SelfSubjectAccessReview']: review(
    'SelfSubjectAccessReview',
    'Asks whether the requesting user may perform an action.',
    'SelfSubjectAccessReviewSpec',
    'SubjectAccessReviewStatus',
  ),
  [P + 'SelfSubjectRulesReview']: review(
    'SelfSubjectRulesReview',
    'Lists the actions the requesting user may perform in a namespace.',
    'SelfSubjectRulesReviewSpec',
    'SubjectRulesReviewStatus',
  ),
  [P + 'SubjectAccessReviewSpec']: s.obj(
    {
      resourceAttributes: s.ref(P + 'ResourceAttributes', 'The resource request asked about.'),
      nonResourceAttributes: s.ref(P + 'NonResourceAttributes', 'The non-resource request asked about.'),
      user: s.str('User to check.'),
      groups: s.strList('Groups of the user.'),
      extra: s.mapOf(
        s.strList('Values of one extra attribute.'),
        'Extra attributes of the user from the authenticator.',
      ),
      uid: s.str('UID of the user.'),
    },
    'An action and the user asking; exactly one of resourceAttributes and nonResourceAttributes.',
  ),
  [P + 'SelfSubjectAccessReviewSpec']: s.obj(
    {
      resourceAttributes: s.ref(P + 'ResourceAttributes', 'The resource request asked about.'),
      nonResourceAttributes: s.ref(P + 'NonResourceAttributes', 'The non-resource request asked about.'),
    },
    'An action of the requesting user; exactly one of the two attribute sets.',
  ),
  [P + 'SelfSubjectRulesReviewSpec']: s.obj(
    { namespace: s.str('Namespace to list the rules for.') },
    'Where to evaluate the rules.',
  ),
  [P + 'ResourceAttributes']: s.obj(
    {
      namespace: s.str('Namespace of the action; "" means all namespaces for namespaced resources.'),
      verb: s.str('API verb such as get, list, watch, create; "*" for all.'),
      group: s.str('API group; "*" for all.'),
      version: s.str('API version; "*" for all.'),
      resource: s.str('Resource; "*" for all.'),
      subresource: s.str('Subresource; "" for none, "*" for all.'),
      name: s.str('Name of the object; "" for all.'),
      fieldSelector: s.ref(P + 'FieldSelectorAttributes', 'Field selector of a list or watch.'),
      labelSelector: s.ref(P + 'LabelSelectorAttributes', 'Label selector of a list or watch.'),
    },
    'Attributes of a resource request.',
  ),
  [P + 'NonResourceAttributes']: s.obj(
    {
      path: s.str('URL path of the request.'),
      verb: s.str('HTTP verb in lower case.'),
    },
    'Attributes of a non-resource request.',
  ),
  [P + 'FieldSelectorAttributes']: s.obj(
    {
      rawSelector: s.str('The selector as sent in the query string.'),
      requirements: s.list(s.ref(P + 'FieldSelectorRequirement'), 'The selector in parsed form.'),
    },
    'A field selector of a request: raw or parsed, not both.',
  ),
  [P + 'FieldSelectorRequirement']: s.obj(
    {
      key: s.str('Field the requirement applies to.'),
      operator: s.str('In, NotIn, Exists or DoesNotExist.'),
      values: s.strList('Values for In and NotIn.'),
    },
    'One field selector requirement.',
    ['key', 'operator'],
  ),
  [P + 'LabelSelectorAttributes']: s.obj(
    {
      rawSelector: s.str('The selector as sent in the query string.'),
      requirements: s.list(
        s.ref('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement'),
        'The selector in parsed form.',
      ),
    },
    'A label selector of a request: raw or parsed, not both.',
  ),
  [P + 'SubjectAccessReviewStatus']: s.obj(
    {
      allowed: s.bool('Whether the action is allowed.'),
      denied: s.bool('Whether the action is explicitly denied (no other authorizer is asked).'),
      reason: s.str('Why, when known.'),
      evaluationError: s.str('What went wrong evaluating the request, if anything.'),
    },
    'The answer to an access review.',
    ['allowed'],
  ),
  [P + 'SubjectRulesReviewStatus']: s.obj(
    {
      resourceRules: s.list(s.ref(P + 'ResourceRule'), 'Resource actions allowed.'),
      nonResourceRules: s.list(s.ref(P + 'NonResourceRule'), 'Non-resource actions allowed.'),
      incomplete: s.bool('True when the list may be missing rules (an authorizer cannot enumerate).'),
      evaluationError: s.str('What went wrong evaluating the rules, if anything.'),
    },
    'The rules a user has in a namespace.',
    ['resourceRules', 'nonResourceRules', 'incomplete'],
  ),
  [P + 'ResourceRule']: s.obj(
    {
      verbs: s.strList('Verbs allowed; "*" for all.'),
      apiGroups: s.strList('API groups; "*" for all.'),
      resources: s.strList('Resources; "*" for all.'),
      resourceNames: s.strList('Object names; all when empty.'),
    },
    'Resource actions allowed.',
    ['verbs'],
  ),
  [P + 'NonResourceRule']: s.obj(
    {
      verbs: s.strList('Verbs allowed; "*" for all.'),
      nonResourceURLs: s.strList('URL paths; a trailing * matches a prefix.'),
    },
    'Non-resource actions allowed.',
    ['verbs'],
  ),
};
