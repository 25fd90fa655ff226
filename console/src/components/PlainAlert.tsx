/**
 * An API error in plain markup styled like antd's Alert (shell.css), with the same test id and
 * role as ErrorAlert: for the frame and the overview, which show before antd is loaded.
 */
import { ApiError, errorMessage } from '../api/status.ts';

export function PlainAlert({ error, type = 'error' }: { error: unknown; type?: 'error' | 'warning' }) {
  const causes = error instanceof ApiError ? error.causes : [];
  return (
    <div
      role="alert"
      data-testid="api-error"
      className={`berth-alert${type === 'warning' ? ' berth-alert-warning' : ''}`}
    >
      <div>{errorMessage(error)}</div>
      {causes.length > 0 ? (
        <ul style={{ margin: 0, paddingInlineStart: 20 }}>
          {causes.map((c, i) => (
            <li key={i}>
              {c.field ? <code>{c.field}</code> : null} {c.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
