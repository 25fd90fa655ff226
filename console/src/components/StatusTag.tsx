/**
 * A status word as a coloured tag: a plain span styled like antd's Tag (layout/shell.css), since
 * list rows hold one each and a scroll mounts dozens of rows a second.
 */
import { statusColor } from '../lib/format.ts';

export function StatusTag({ status }: { status: string }) {
  return <span className={`berth-tag berth-tag-${statusColor(status)}`}>{status}</span>;
}
