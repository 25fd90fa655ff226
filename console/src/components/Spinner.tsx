/** A loading indicator in plain CSS (shell.css), for places that must not wait for antd. */
import { t } from '../texts.ts';

export function Spinner({ inline = false }: { inline?: boolean }) {
  return (
    <span
      role="status"
      aria-label={t.common.loading}
      className={`berth-spin${inline ? ' berth-spin-inline' : ''}`}
    />
  );
}
