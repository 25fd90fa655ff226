/** `YamlView`, loaded on first use (with the YAML library), a spinner meanwhile. */
import { lazy, Suspense } from 'react';
import { Spin } from 'antd';
import type { KubeObject } from '../../api/types.ts';

const YamlView = lazy(() => import('./YamlView.tsx'));

export function LazyYamlView({ object }: { object: KubeObject }) {
  return (
    <Suspense fallback={<Spin />}>
      <YamlView object={object} />
    </Suspense>
  );
}
