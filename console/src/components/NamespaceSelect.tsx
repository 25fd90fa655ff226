/**
 * The namespace filter of namespaced lists, kept in the URL (?namespace=) so a link shows the same
 * view. Its options are the live namespace list.
 */
import { Select } from 'antd';
import { useSearchParams } from 'react-router';
import { kinds } from '../api/kinds.ts';
import type { Namespace } from '../api/types.ts';
import { useWatchList } from '../api/use-watch-list.ts';
import { t } from '../texts.ts';

const all = '';

/** The namespace chosen in the URL, or undefined for all namespaces. */
export function useNamespaceParam(): [string | undefined, (ns: string | undefined) => void] {
  const [params, setParams] = useSearchParams();
  const ns = params.get('namespace') ?? undefined;
  const set = (value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set('namespace', value);
    else next.delete('namespace');
    setParams(next, { replace: true });
  };
  return [ns || undefined, set];
}

export function NamespaceSelect({ cluster }: { cluster: string }) {
  const [ns, setNs] = useNamespaceParam();
  const namespaces = useWatchList<Namespace>(cluster, kinds.namespaces);
  return (
    <Select
      aria-label={t.common.namespace}
      data-testid="namespace-select"
      value={ns ?? all}
      style={{ minWidth: 180 }}
      showSearch
      onChange={(v: string) => setNs(v === all ? undefined : v)}
      options={[
        { value: all, label: t.common.allNamespaces },
        ...namespaces.items.map((n) => ({ value: n.metadata.name, label: n.metadata.name })),
      ]}
    />
  );
}
