/** Any URL the console does not know. */
import { Button, Result } from 'antd';
import { Link } from 'react-router';
import { t } from '../texts.ts';

export default function NotFoundPage() {
  return (
    <Result
      status="404"
      title={t.notFound.title}
      extra={
        <Link to="/">
          <Button type="primary">{t.notFound.home}</Button>
        </Link>
      }
    />
  );
}
