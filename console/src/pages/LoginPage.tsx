/** The login form. A wrong password shows the server's message; success returns to ?next. */
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { login } from '../api/session.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { t } from '../texts.ts';

interface LoginForm {
  username: string;
  password: string;
}

/** Only same-site paths may be returned to after login. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const submit = async (values: LoginForm) => {
    setBusy(true);
    setError(undefined);
    try {
      const session = await login(values.username, values.password);
      queryClient.setQueryData(['session'], session);
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'grid',
        placeItems: 'center',
        background: '#f0f2f5',
        padding: 16,
      }}
    >
      <Card style={{ width: '100%', maxWidth: 380 }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t.login.title}
        </Typography.Title>
        {error ? <ErrorAlert error={error} /> : null}
        <Form<LoginForm>
          layout="vertical"
          onFinish={(v) => void submit(v)}
          initialValues={{ username: 'admin' }}
          requiredMark={false}
        >
          <Form.Item
            name="username"
            label={t.login.username}
            rules={[{ required: true, message: t.login.usernameRequired }]}
          >
            <Input prefix={<UserOutlined />} autoComplete="username" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t.login.password}
            rules={[{ required: true, message: t.login.passwordRequired }]}
          >
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" autoFocus />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t.login.submit}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>
          {t.login.hint}
        </Typography.Paragraph>
      </Card>
    </div>
  );
}
