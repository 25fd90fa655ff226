/**
 * A refused save: the server's message (with its causes) under `title`, and — when the refusal is
 * a 409 Conflict, someone changed the object since it was opened — a button that loads the latest
 * version (the caller's `onReload`, which drops the user's edits).
 */
import { Button } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { ApiError } from '../api/status.ts';
import { t } from '../texts.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

export function SaveErrorAlert(props: { error: unknown; title?: string; onReload?: () => void }) {
  const conflict = props.error instanceof ApiError && props.error.code === 409;
  return (
    <>
      <ErrorAlert
        error={props.error}
        title={props.error instanceof ApiError ? (props.title ?? t.dataEditor.saveFailed) : undefined}
      />
      {conflict && props.onReload ? (
        <Button icon={<ReloadOutlined />} onClick={props.onReload} style={{ marginBottom: 12 }}>
          {t.dataEditor.reload}
        </Button>
      ) : null}
    </>
  );
}
