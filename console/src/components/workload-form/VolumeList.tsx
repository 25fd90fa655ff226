/** The workload form's pod volumes: name, type (emptyDir, ConfigMap, Secret, PVC) and source. */
import { Button, Card, Form, Input, Select, Space } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { t } from '../../texts.ts';

export function VolumeList() {
  const types = Form.useWatch(['volumes']) as { type?: string }[] | undefined;
  return (
    <Card size="small" title={t.form.volumes} style={{ marginBottom: 12 }} data-testid="form-volumes">
      <Form.List name="volumes">
        {(fields, { add, remove }) => (
          <>
            {fields.map((f) => (
              <Space key={f.key} wrap align="start">
                <Form.Item name={[f.name, 'name']} rules={[{ required: true, message: t.form.required }]}>
                  <Input
                    aria-label={`${t.form.volume} ${f.name + 1} ${t.common.name}`}
                    placeholder={t.common.name}
                  />
                </Form.Item>
                <Form.Item name={[f.name, 'type']}>
                  <Select
                    aria-label={`${t.form.volume} ${f.name + 1} ${t.form.volumeType}`}
                    style={{ width: 200 }}
                    options={[
                      { value: 'emptyDir' },
                      { value: 'configMap', label: 'ConfigMap' },
                      { value: 'secret', label: 'Secret' },
                      { value: 'persistentVolumeClaim', label: 'PersistentVolumeClaim' },
                    ]}
                  />
                </Form.Item>
                {types?.[f.name]?.type && types[f.name].type !== 'emptyDir' ? (
                  <Form.Item name={[f.name, 'source']} rules={[{ required: true, message: t.form.required }]}>
                    <Input
                      aria-label={`${t.form.volume} ${f.name + 1} ${t.form.volumeSource}`}
                      placeholder={t.form.volumeSource}
                    />
                  </Form.Item>
                ) : (
                  <Form.Item name={[f.name, 'sizeLimit']}>
                    <Input placeholder={t.form.sizeLimit} style={{ width: 120 }} />
                  </Form.Item>
                )}
                <Button
                  aria-label={`${t.form.remove} ${t.form.volume} ${f.name + 1}`}
                  onClick={() => remove(f.name)}
                >
                  {t.form.remove}
                </Button>
              </Space>
            ))}
            <Button icon={<PlusOutlined />} onClick={() => add({ type: 'emptyDir' })}>
              {`${t.form.add} (${t.form.volumes})`}
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );
}
