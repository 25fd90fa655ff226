/** What a write request carries besides its body: who asks, and how strictly to treat the body. */
import type { UserInfo } from '../authn/user.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface RequestContext {
  user: UserInfo;
  /** dryRun=All: run every step but the store write. */
  dryRun: boolean;
  /** ?fieldManager=; when absent, managedFields name the writer after its User-Agent. */
  fieldManager?: string;
  /** The request's User-Agent header, for the default field manager name. */
  userAgent?: string;
  fieldValidation: FieldValidation;
  /** Warnings for the response's Warning headers (unknown fields under Warn, …). */
  warnings: string[];
}

/** A context for internal callers (allocators, tests). */
export function systemContext(): RequestContext {
  return {
    user: { name: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] },
    dryRun: false,
    fieldValidation: 'Strict',
    warnings: [],
  };
}
