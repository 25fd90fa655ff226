/**
 * CronJob actions used by its list and detail pages: suspend/resume (a merge patch of
 * spec.suspend) and "run now" (a dialog creating a Job from the jobTemplate, see lib/cronjob.ts).
 */
import { useState } from 'react';
import { App, Button, Input, Modal, Space, Typography } from 'antd';
import { PauseCircleOutlined, PlayCircleOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { clusterApi } from '../api/client.ts';
import { kinds, resourcePath } from '../api/kinds.ts';
import { errorMessage } from '../api/status.ts';
import type { CronJob, Job } from '../api/workload-types.ts';
import { manualJob, manualJobName, randomSuffix, suspendPatch } from '../lib/cronjob.ts';
import { dnsLabelError } from '../lib/forms.ts';
import { t } from '../texts.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

/** Suspend or resume, whichever applies now. */
export function SuspendButton({ cluster, cronJob }: { cluster: string; cronJob: CronJob }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const suspended = cronJob.spec?.suspend === true;
  const { name, namespace } = cronJob.metadata;
  const toggle = async () => {
    setBusy(true);
    try {
      await clusterApi(cluster).mergePatch(
        resourcePath(kinds.cronjobs, { namespace, name }),
        suspendPatch(!suspended),
      );
      message.success(suspended ? t.cronJobs.didResume(name) : t.cronJobs.didSuspend(name));
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const label = suspended ? t.cronJobs.resume : t.cronJobs.suspend;
  return (
    <Button
      size="small"
      loading={busy}
      icon={suspended ? <PlayCircleOutlined /> : <PauseCircleOutlined />}
      onClick={() => void toggle()}
      aria-label={`${label} ${name}`}
    >
      {label}
    </Button>
  );
}

/** Opens the "run now" dialog. */
export function TriggerButton({ onClick, name }: { onClick: () => void; name: string }) {
  return (
    <Button
      size="small"
      icon={<ThunderboltOutlined />}
      onClick={onClick}
      aria-label={`${t.cronJobs.trigger} ${name}`}
    >
      {t.cronJobs.trigger}
    </Button>
  );
}

/** Creates a Job from `cronJob` under a name the user may change. */
export function TriggerJobModal({
  cluster,
  cronJob,
  onClose,
}: {
  cluster: string;
  cronJob: CronJob;
  onClose: () => void;
}) {
  const { message } = App.useApp();
  const [name, setName] = useState(() => manualJobName(cronJob.metadata.name, randomSuffix()));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const problem = dnsLabelError(name);

  const submit = async () => {
    if (problem) return;
    setBusy(true);
    setError(undefined);
    try {
      const job = await clusterApi(cluster).create<Job>(
        resourcePath(kinds.jobs, { namespace: cronJob.metadata.namespace }),
        manualJob(cronJob, name),
      );
      message.success(t.cronJobs.triggered(job.metadata.name));
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t.cronJobs.triggerTitle(cronJob.metadata.name)}
      onOk={() => void submit()}
      okText={t.cronJobs.trigger}
      okButtonProps={{ disabled: problem !== undefined }}
      confirmLoading={busy}
      onCancel={onClose}
    >
      <Typography.Paragraph type="secondary">{t.cronJobs.triggerHelp}</Typography.Paragraph>
      {error ? <ErrorAlert error={error} /> : null}
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text>{t.cronJobs.jobName}</Typography.Text>
        <Input
          aria-label={t.cronJobs.jobName}
          data-testid="trigger-job-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onPressEnter={() => void submit()}
          status={problem ? 'error' : undefined}
          autoFocus
        />
        {problem ? <Typography.Text type="danger">{problem}</Typography.Text> : null}
      </Space>
    </Modal>
  );
}
