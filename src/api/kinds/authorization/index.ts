/** authorization.k8s.io/v1: the four access review kinds (create-only, not stored). */
import type { GroupModule } from '../types.ts';
import { definitions } from './definitions.ts';
import {
  localSubjectAccessReview,
  selfSubjectAccessReview,
  selfSubjectRulesReview,
  subjectAccessReview,
} from './reviews.ts';

export const module: GroupModule = {
  kinds: [selfSubjectAccessReview, selfSubjectRulesReview, subjectAccessReview, localSubjectAccessReview],
  definitions,
};
