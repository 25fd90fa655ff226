/** The "Create by form" button of the Deployment, StatefulSet and DaemonSet lists. */
import { useNavigate } from 'react-router';
import { Button } from 'antd';
import { FormOutlined } from '@ant-design/icons';
import { t } from '../texts.ts';

export function CreateFormButton(props: { cluster: string; resource: string; namespace?: string }) {
  const navigate = useNavigate();
  const qs = props.namespace ? `?namespace=${encodeURIComponent(props.namespace)}` : '';
  return (
    <Button
      icon={<FormOutlined />}
      onClick={() => navigate(`/c/${encodeURIComponent(props.cluster)}/new/${props.resource}${qs}`)}
    >
      {t.form.createForm}
    </Button>
  );
}
