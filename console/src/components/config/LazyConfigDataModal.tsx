/**
 * The ConfigMap/Secret editor dialog, loaded when first opened rather than with the list page, so
 * a list opened first stays within the initial JS budget.
 */
import { Suspense } from 'react';
import { lazyRetry } from '../../lib/lazy-retry.ts';
import type { ConfigDataModalProps } from './ConfigDataModal.tsx';

const ConfigDataModal = lazyRetry(() =>
  import('./ConfigDataModal.tsx').then((m) => ({ default: m.ConfigDataModal })),
);

export function LazyConfigDataModal(props: ConfigDataModalProps) {
  return (
    <Suspense fallback={null}>
      <ConfigDataModal {...props} />
    </Suspense>
  );
}
