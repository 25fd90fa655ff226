/**
 * authentication.k8s.io/v1: TokenReview and SelfSubjectReview (virtual), plus the TokenRequest
 * definition and rules used by the core group's serviceaccounts/token subresource.
 */
import type { GroupModule } from '../types.ts';
import { definitions } from './definitions.ts';
import { selfSubjectReview, tokenReview } from './reviews.ts';

export const module: GroupModule = { kinds: [selfSubjectReview, tokenReview], definitions };

export { defaultTokenRequest, validateTokenRequest } from './tokenrequest.ts';
