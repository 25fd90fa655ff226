/**
 * authentication.k8s.io/v1 TokenReview and SelfSubjectReview: virtual kinds answered on POST by the
 * authenticator; nothing is stored. (An empty token is a 400 from the review handler, as in
 * Kubernetes, not a field error.)
 */
import type { KindDef } from '../types.ts';

function reviewKind(kind: string): KindDef {
  return {
    group: 'authentication.k8s.io',
    version: 'v1',
    kind,
    listKind: `${kind}List`,
    resource: kind.toLowerCase() + 's',
    singular: kind.toLowerCase(),
    namespaced: false,
    verbs: ['create'],
    virtual: true,
    schema: `io.k8s.api.authentication.v1.${kind}`,
    strategy: {},
  };
}

export const tokenReview = reviewKind('TokenReview');
export const selfSubjectReview = reviewKind('SelfSubjectReview');
