/**
 * An object's YAML in a detail page's tab. The YAML library loads with the tab's first render, not
 * with the page (see `LazyYamlView`), so a detail page opened first carries no YAML code.
 */
import type { KubeObject } from '../../api/types.ts';
import { toYaml } from '../../lib/yaml.ts';

export default function YamlView({ object }: { object: KubeObject }) {
  return (
    <pre
      data-testid="detail-yaml"
      style={{ margin: 0, overflow: 'auto', maxHeight: 'calc(100vh - 360px)', fontSize: 13 }}
    >
      {toYaml(object)}
    </pre>
  );
}
