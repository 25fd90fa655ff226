/**
 * The key/value editor of ConfigMaps and Secrets: one row per key (rename, change, remove), rows
 * added by hand or loaded from files (file name → key, content → value; binary files are kept as
 * base64 and shown by size). For a Secret every value is hidden until the user reveals that row;
 * a hidden one-line value can still be typed over, as a password field. Key errors show at the key.
 */
import { useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { Button, Empty, Input, Space, Tooltip, Typography } from 'antd';
import {
  DeleteOutlined,
  EyeInvisibleOutlined,
  EyeOutlined,
  PlusOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import {
  entryFromFile,
  entrySize,
  mergeFileEntries,
  newEntry,
  type DataEntry,
} from '../../lib/config-entries.ts';
import { t } from '../../texts.ts';

export interface DataEditorProps {
  entries: DataEntry[];
  onChange: Dispatch<SetStateAction<DataEntry[]>>;
  /** Key errors by row id. */
  errors: Record<string, string>;
  /** Hide values until revealed (Secrets). */
  secret: boolean;
  /** A file that could not be read. */
  onFileError: (err: unknown) => void;
}

const mono = { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 13 };

export function DataEditor({ entries, onChange, errors, secret, onFileError }: DataEditorProps) {
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(new Set());
  const fileInput = useRef<HTMLInputElement>(null);

  const update = (id: string, change: Partial<DataEntry>) =>
    onChange((rows) => rows.map((r) => (r.id === id ? { ...r, ...change } : r)));
  const toggle = (id: string) =>
    setRevealed((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const loadFiles = async (list: FileList | null) => {
    const files = [...(list ?? [])];
    const rows = await Promise.all(
      files.map(async (f) => entryFromFile(f.name, new Uint8Array(await f.arrayBuffer()))),
    );
    onChange((prev) => mergeFileEntries(prev, rows));
  };

  const valueField = (e: DataEntry, label: string) => {
    if (e.binary)
      return <Typography.Text type="secondary">{t.dataEditor.binary(entrySize(e))}</Typography.Text>;
    if (secret && !revealed.has(e.id)) {
      if (e.value.includes('\n'))
        return <Typography.Text type="secondary">{t.dataEditor.hiddenMultiline}</Typography.Text>;
      return (
        <Input.Password
          aria-label={label}
          data-testid={`data-value-${e.id}`}
          value={e.value}
          visibilityToggle={false}
          autoComplete="new-password"
          onChange={(ev) => update(e.id, { value: ev.target.value })}
          style={mono}
        />
      );
    }
    return (
      <Input.TextArea
        aria-label={label}
        value={e.value}
        autoSize={{ minRows: 1, maxRows: 10 }}
        spellCheck={false}
        onChange={(ev) => update(e.id, { value: ev.target.value })}
        style={mono}
      />
    );
  };

  return (
    <>
      <Space direction="vertical" style={{ width: '100%' }} data-testid="data-editor">
        {entries.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t.dataEditor.noKeys} />
        ) : null}
        {entries.map((e, i) => {
          const row = t.dataEditor.row(i + 1);
          const error = errors[e.id];
          const open = revealed.has(e.id);
          return (
            <div
              key={e.id}
              data-testid={`data-row-${i + 1}`}
              style={{ display: 'flex', gap: 8, alignItems: 'flex-start', flexWrap: 'wrap' }}
            >
              <div style={{ flex: '1 1 180px', minWidth: 160 }}>
                <Input
                  aria-label={`${row} ${t.form.key}`}
                  aria-invalid={error ? true : undefined}
                  status={error ? 'error' : undefined}
                  placeholder={t.form.key}
                  value={e.key}
                  onChange={(ev) => update(e.id, { key: ev.target.value })}
                  style={mono}
                />
                {error ? (
                  <Typography.Text type="danger" role="alert" style={{ fontSize: 12 }}>
                    {error}
                  </Typography.Text>
                ) : null}
              </div>
              <div style={{ flex: '2 1 260px', minWidth: 200 }}>
                {valueField(e, `${row} ${t.form.value}`)}
              </div>
              <Space size={4}>
                {secret && !e.binary ? (
                  <Tooltip title={open ? t.secrets.hide : t.secrets.reveal}>
                    <Button
                      icon={open ? <EyeInvisibleOutlined /> : <EyeOutlined />}
                      aria-label={`${open ? t.secrets.hide : t.secrets.reveal} ${row}`}
                      aria-pressed={open}
                      onClick={() => toggle(e.id)}
                    />
                  </Tooltip>
                ) : null}
                <Tooltip title={t.form.remove}>
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label={`${t.form.remove} ${row}`}
                    onClick={() => onChange((rows) => rows.filter((r) => r.id !== e.id))}
                  />
                </Tooltip>
              </Space>
            </div>
          );
        })}
        <Space wrap>
          <Button icon={<PlusOutlined />} onClick={() => onChange((rows) => [...rows, newEntry()])}>
            {t.dataEditor.addKey}
          </Button>
          <Button icon={<UploadOutlined />} onClick={() => fileInput.current?.click()}>
            {t.dataEditor.addFiles}
          </Button>
        </Space>
      </Space>
      <input
        ref={fileInput}
        type="file"
        multiple
        style={{ display: 'none' }}
        aria-label={t.dataEditor.filesInput}
        data-testid="data-files"
        onChange={(ev) => {
          const input = ev.currentTarget;
          void loadFiles(input.files)
            .catch(onFileError)
            .finally(() => {
              input.value = '';
            });
        }}
      />
    </>
  );
}
