/** A status word as a coloured tag. */
import { Tag } from 'antd';
import { statusColor } from '../lib/format.ts';

export function StatusTag({ status }: { status: string }) {
  return <Tag color={statusColor(status)}>{status}</Tag>;
}
