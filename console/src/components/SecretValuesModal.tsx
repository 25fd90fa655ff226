/**
 * A Secret's keys with their values hidden: a value is decoded and rendered only after the user
 * clicks Reveal on that key, and hidden again with Hide. Binary values show only their size.
 */
import { useState } from 'react';
import { Button, List, Modal, Typography } from 'antd';
import { EyeInvisibleOutlined, EyeOutlined } from '@ant-design/icons';
import type { Secret } from '../api/workload-types.ts';
import { dataKeys, decodeSecretValue } from '../lib/config-data.ts';
import { t } from '../texts.ts';

export function SecretValuesModal({ secret, onClose }: { secret: Secret; onClose: () => void }) {
  const [shown, setShown] = useState<ReadonlySet<string>>(new Set());
  const toggle = (key: string) =>
    setShown((s) => {
      const next = new Set(s);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const keys = dataKeys(secret);

  return (
    <Modal
      open
      title={t.secrets.valuesTitle(secret.metadata.name)}
      footer={null}
      onCancel={onClose}
      width={640}
    >
      <Typography.Paragraph type="secondary">{t.secrets.valuesHelp}</Typography.Paragraph>
      <List
        size="small"
        bordered
        dataSource={keys}
        locale={{ emptyText: t.secrets.noKeys }}
        renderItem={(key) => {
          const open = shown.has(key);
          let value: string = t.secrets.hidden;
          if (open) {
            const v = decodeSecretValue(secret.data?.[key] ?? '');
            value = v.text ?? t.secrets.binary(v.bytes);
          }
          return (
            <List.Item
              data-testid={`secret-key-${key}`}
              actions={[
                <Button
                  key="toggle"
                  size="small"
                  icon={open ? <EyeInvisibleOutlined /> : <EyeOutlined />}
                  onClick={() => toggle(key)}
                  aria-label={`${open ? t.secrets.hide : t.secrets.reveal} ${key}`}
                >
                  {open ? t.secrets.hide : t.secrets.reveal}
                </Button>,
              ]}
            >
              <Typography.Text strong>{key}</Typography.Text>
              <Typography.Text
                code
                copyable={open ? { text: value } : false}
                style={{ marginInlineStart: 12, wordBreak: 'break-all' }}
                data-testid={`secret-value-${key}`}
              >
                {value}
              </Typography.Text>
            </List.Item>
          );
        }}
      />
    </Modal>
  );
}
