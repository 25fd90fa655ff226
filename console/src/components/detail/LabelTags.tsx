/** An object's labels as `key=value` tags, '-' when it has none. */
import { Tag } from 'antd';

export function LabelTags({ labels }: { labels?: Record<string, string> }) {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return '-';
  return entries.map(([k, v]) => <Tag key={k}>{`${k}=${v}`}</Tag>);
}
