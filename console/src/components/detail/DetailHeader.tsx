/**
 * The top of every detail page: a back button to the list, the title and the object's state; and
 * what the page shows instead of the object while it loads, when it failed, or when it is gone.
 */
import type { ReactNode } from 'react';
import { useNavigate } from 'react-router';
import { Button, Empty, Space, Spin, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { t } from '../../texts.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';

export function DetailHeader(props: { title: string; backTo: string; status?: ReactNode }) {
  const navigate = useNavigate();
  return (
    <Space wrap>
      <Button icon={<ArrowLeftOutlined />} onClick={() => navigate(props.backTo)}>
        {t.common.back}
      </Button>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {props.title}
      </Typography.Title>
      {props.status}
    </Space>
  );
}

/** The header, then a spinner, the list's error, or "does not exist (any more)". */
export function DetailMissing(props: { header: ReactNode; loading: boolean; error?: unknown }) {
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }}>
      {props.header}
      {props.error ? <ErrorAlert error={props.error} /> : null}
      {props.loading ? <Spin /> : !props.error ? <Empty description={t.detail.gone} /> : null}
    </Space>
  );
}
