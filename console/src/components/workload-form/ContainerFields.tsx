/**
 * The fields of one container in the workload form: image, command and arguments, resources,
 * environment (values, ConfigMap and Secret keys), ports, readiness and liveness probes, volume
 * mounts. Field names follow `ContainerForm` in lib/workload-form.ts.
 */
import type { ReactNode } from 'react';
import { Button, Card, Checkbox, Col, Form, Input, InputNumber, Row, Select, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { t } from '../../texts.ts';

const required = [{ required: true, message: t.form.required }];

function ProbeFields({ base, title, testId }: { base: (string | number)[]; title: string; testId: string }) {
  const type = Form.useWatch([...base, 'type']) as string | undefined;
  return (
    <Space wrap align="start" data-testid={testId}>
      <Form.Item label={title} name={[...base.slice(1), 'type']} initialValue="none">
        <Select
          aria-label={title}
          style={{ width: 140 }}
          options={[
            { value: 'none', label: t.form.probeNone },
            { value: 'httpGet', label: t.form.probeHttp },
            { value: 'tcpSocket', label: t.form.probeTcp },
            { value: 'exec', label: t.form.probeExec },
          ]}
        />
      </Form.Item>
      {type === 'httpGet' ? (
        <Form.Item label={t.form.path} name={[...base.slice(1), 'path']}>
          <Input aria-label={`${title} ${t.form.path}`} placeholder="/" style={{ width: 140 }} />
        </Form.Item>
      ) : null}
      {type === 'httpGet' || type === 'tcpSocket' ? (
        <Form.Item label={t.form.port} name={[...base.slice(1), 'port']} rules={required}>
          <InputNumber aria-label={`${title} ${t.form.port}`} min={1} max={65535} />
        </Form.Item>
      ) : null}
      {type === 'exec' ? (
        <Form.Item label={t.form.command} name={[...base.slice(1), 'command']} rules={required}>
          <Input aria-label={`${title} ${t.form.command}`} style={{ width: 220 }} />
        </Form.Item>
      ) : null}
      {type && type !== 'none' ? (
        <>
          <Form.Item label={t.form.initialDelay} name={[...base.slice(1), 'initialDelaySeconds']}>
            <InputNumber min={0} />
          </Form.Item>
          <Form.Item label={t.form.period} name={[...base.slice(1), 'periodSeconds']}>
            <InputNumber min={1} />
          </Form.Item>
        </>
      ) : null}
    </Space>
  );
}

/** Rows of a nested list with an add button; `row` renders one row's fields. */
function Rows({
  name,
  title,
  blank,
  row,
}: {
  name: (string | number)[];
  title: string;
  blank: object;
  row: (n: number) => ReactNode;
}) {
  return (
    <>
      <Typography.Text strong>{title}</Typography.Text>
      <Form.List name={name}>
        {(fields, { add, remove }) => (
          <div style={{ marginBlock: 8 }}>
            {fields.map((f) => (
              <Space key={f.key} align="start" wrap>
                {row(f.name)}
                <Button
                  icon={<DeleteOutlined />}
                  aria-label={`${t.form.remove} ${title} ${f.name + 1}`}
                  onClick={() => remove(f.name)}
                />
              </Space>
            ))}
            <div>
              <Button size="small" icon={<PlusOutlined />} onClick={() => add(blank)}>
                {`${t.form.add} (${title})`}
              </Button>
            </div>
          </div>
        )}
      </Form.List>
    </>
  );
}

export function ContainerFields({
  index,
  onRemove,
  volumeNames,
}: {
  index: number;
  onRemove?: () => void;
  volumeNames: string[];
}) {
  const envSources = Form.useWatch(['containers', index, 'env']) as { source?: string }[] | undefined;
  const label = (s: string) => `${t.form.container(index + 1)} ${s}`;
  return (
    <Card
      size="small"
      title={t.form.container(index + 1)}
      data-testid={`container-${index}`}
      extra={
        onRemove ? (
          <Button
            size="small"
            icon={<DeleteOutlined />}
            onClick={onRemove}
            aria-label={label(t.form.remove)}
          />
        ) : null
      }
      style={{ marginBottom: 12 }}
    >
      <Row gutter={12}>
        <Col xs={24} md={8}>
          <Form.Item label={t.common.name} name={[index, 'name']} rules={required}>
            <Input aria-label={label(t.common.name)} />
          </Form.Item>
        </Col>
        <Col xs={24} md={16}>
          <Form.Item label={t.form.image} name={[index, 'image']} rules={required}>
            <Input aria-label={label(t.form.image)} placeholder="nginx:1.27" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t.form.command} name={[index, 'command']} tooltip={t.form.wordsHelp}>
            <Input aria-label={label(t.form.command)} placeholder="sh -c 'echo hello'" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t.form.args} name={[index, 'args']} tooltip={t.form.wordsHelp}>
            <Input aria-label={label(t.form.args)} />
          </Form.Item>
        </Col>
        {(
          [
            ['cpuRequest', t.form.cpuRequest, '100m'],
            ['cpuLimit', t.form.cpuLimit, '500m'],
            ['memoryRequest', t.form.memoryRequest, '64Mi'],
            ['memoryLimit', t.form.memoryLimit, '256Mi'],
          ] as const
        ).map(([field, text, example]) => (
          <Col key={field} xs={12} md={6}>
            <Form.Item label={text} name={[index, field]}>
              <Input aria-label={label(text)} placeholder={example} />
            </Form.Item>
          </Col>
        ))}
      </Row>
      <Rows
        name={[index, 'ports']}
        title={t.form.ports}
        blank={{ protocol: 'TCP' }}
        row={(n) => (
          <>
            <Form.Item name={[n, 'containerPort']} rules={required}>
              <InputNumber
                aria-label={label(`${t.form.port} ${n + 1}`)}
                placeholder={t.form.port}
                min={1}
                max={65535}
              />
            </Form.Item>
            <Form.Item name={[n, 'protocol']}>
              <Select style={{ width: 90 }} options={[{ value: 'TCP' }, { value: 'UDP' }]} />
            </Form.Item>
            <Form.Item name={[n, 'name']}>
              <Input aria-label={label(`${t.form.portName} ${n + 1}`)} placeholder={t.form.portName} />
            </Form.Item>
          </>
        )}
      />
      <Rows
        name={[index, 'env']}
        title={t.form.env}
        blank={{ source: 'value' }}
        row={(n) => (
          <>
            <Form.Item name={[n, 'name']} rules={required}>
              <Input aria-label={label(`${t.form.env} ${n + 1}`)} placeholder={t.common.name} />
            </Form.Item>
            <Form.Item name={[n, 'source']}>
              <Select
                aria-label={label(`${t.form.envSource} ${n + 1}`)}
                style={{ width: 140 }}
                options={[
                  { value: 'value', label: t.form.envValue },
                  { value: 'configMap', label: t.form.envConfigMap },
                  { value: 'secret', label: t.form.envSecret },
                ]}
              />
            </Form.Item>
            {envSources?.[n]?.source === 'configMap' || envSources?.[n]?.source === 'secret' ? (
              <>
                <Form.Item name={[n, 'refName']} rules={required}>
                  <Input aria-label={label(`${t.form.refName} ${n + 1}`)} placeholder={t.form.refName} />
                </Form.Item>
                <Form.Item name={[n, 'refKey']} rules={required}>
                  <Input aria-label={label(`${t.form.refKey} ${n + 1}`)} placeholder={t.form.refKey} />
                </Form.Item>
              </>
            ) : (
              <Form.Item name={[n, 'value']}>
                <Input aria-label={label(`${t.form.envValue} ${n + 1}`)} placeholder={t.form.envValue} />
              </Form.Item>
            )}
          </>
        )}
      />
      <Rows
        name={[index, 'mounts']}
        title={t.form.mounts}
        blank={{}}
        row={(n) => (
          <>
            <Form.Item name={[n, 'volume']} rules={required}>
              <Select
                aria-label={label(`${t.form.volume} ${n + 1}`)}
                placeholder={t.form.volume}
                style={{ width: 140 }}
                options={volumeNames.map((v) => ({ value: v }))}
              />
            </Form.Item>
            <Form.Item name={[n, 'mountPath']} rules={required}>
              <Input aria-label={label(`${t.form.mountPath} ${n + 1}`)} placeholder={t.form.mountPath} />
            </Form.Item>
            <Form.Item name={[n, 'subPath']}>
              <Input placeholder={t.form.subPath} />
            </Form.Item>
            <Form.Item name={[n, 'readOnly']} valuePropName="checked">
              <Checkbox>{t.form.readOnly}</Checkbox>
            </Form.Item>
          </>
        )}
      />
      <ProbeFields
        base={['containers', index, 'readiness']}
        title={label(t.form.readiness)}
        testId={`readiness-${index}`}
      />
      <ProbeFields
        base={['containers', index, 'liveness']}
        title={label(t.form.liveness)}
        testId={`liveness-${index}`}
      />
    </Card>
  );
}
