/** `YamlView`, loaded on first use (with the YAML library), a spinner meanwhile. */
import { Suspense } from 'react';
import { lazyRetry } from '../../lib/lazy-retry.ts';
import { Spin } from 'antd';
import type { KubeObject } from '../../api/types.ts';

const YamlView = lazyRetry(() => import('./YamlView.tsx'));

export function LazyYamlView({ object }: { object: KubeObject }) {
  return (
    <Suspense fallback={<Spin />}>
      <YamlView object={object} />
    </Suspense>
  );
}
