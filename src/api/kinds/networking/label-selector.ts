/**
 * metav1.LabelSelector checks and text form for the networking and RBAC kinds: the same functions the
 * workload kinds use (one implementation, in ../apps/label-selector.ts).
 */
export { formatLabelSelector, validateLabelSelector } from '../apps/label-selector.ts';
