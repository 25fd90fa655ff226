/** An API error as the server worded it, with its field causes when there are any. */
import { Alert } from 'antd';
import { ApiError, errorMessage } from '../api/status.ts';

export function ErrorAlert({
  error,
  title,
  type = 'error',
}: {
  error: unknown;
  title?: string;
  type?: 'error' | 'warning';
}) {
  const causes = error instanceof ApiError ? error.causes : [];
  return (
    <Alert
      type={type}
      showIcon
      role="alert"
      data-testid="api-error"
      style={{ marginBottom: 12 }}
      message={title ?? errorMessage(error)}
      description={
        title || causes.length > 0 ? (
          <>
            {title ? <div>{errorMessage(error)}</div> : null}
            {causes.length > 0 ? (
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {causes.map((c, i) => (
                  <li key={i}>
                    {c.field ? <code>{c.field}</code> : null} {c.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        ) : undefined
      }
    />
  );
}
