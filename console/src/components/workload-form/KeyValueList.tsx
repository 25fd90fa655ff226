/** A Form.List of key/value rows (labels, node selector) with add and remove buttons. */
import { Button, Form, Input, Space } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { t } from '../../texts.ts';

export function KeyValueList({
  name,
  label,
  testId,
}: {
  name: (string | number)[];
  label: string;
  testId: string;
}) {
  return (
    <Form.Item label={label} data-testid={testId}>
      <Form.List name={name}>
        {(fields, { add, remove }, { errors }) => (
          <Space direction="vertical" style={{ width: '100%' }}>
            {fields.map((f) => (
              <Space key={f.key} align="baseline" wrap>
                <Form.Item name={[f.name, 'key']} noStyle>
                  <Input placeholder={t.form.key} aria-label={`${label} ${t.form.key} ${f.name + 1}`} />
                </Form.Item>
                <Form.Item name={[f.name, 'value']} noStyle>
                  <Input placeholder={t.form.value} aria-label={`${label} ${t.form.value} ${f.name + 1}`} />
                </Form.Item>
                <Button
                  icon={<DeleteOutlined />}
                  aria-label={`${t.form.remove} ${label} ${f.name + 1}`}
                  onClick={() => remove(f.name)}
                />
              </Space>
            ))}
            <Button icon={<PlusOutlined />} onClick={() => add({ key: '', value: '' })}>
              {`${t.form.add} (${label})`}
            </Button>
            <Form.ErrorList errors={errors} />
          </Space>
        )}
      </Form.List>
    </Form.Item>
  );
}
