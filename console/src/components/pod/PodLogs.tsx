/**
 * A container's log, live: streams `pods/log` through the console's proxy (follow keeps the
 * response open and new lines appear as the agent sends them), with a container picker, the
 * previous instance, and a download of the whole log as a file. Keeps the last 5,000 lines. A
 * follow the network dropped resumes by itself.
 */
import { useEffect, useRef, useState } from 'react';
import { Button, Select, Space, Switch, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { apiFetch } from '../../api/client.ts';
import { clusterUrl, kinds, resourcePath } from '../../api/kinds.ts';
import { ApiError, errorFromBody } from '../../api/status.ts';
import type { Pod } from '../../api/types.ts';
import { appendLog, containerNames, logFileName, logQuery } from '../../lib/pod-detail.ts';
import { t } from '../../texts.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';

const maxLines = 5000;
const tailLines = 1000;
/** How often, and how soon, a follow the network dropped is resumed. */
const reconnects = 5;
const reconnectDelayMs = 500;

export function PodLogs({ cluster, pod }: { cluster: string; pod: Pod }) {
  const names = containerNames(pod);
  const [container, setContainer] = useState(names[0]?.name ?? '');
  const [follow, setFollow] = useState(true);
  const [previous, setPrevious] = useState(false);
  const [lines, setLines] = useState<string[]>([]);
  const [error, setError] = useState<ApiError>();
  const [streaming, setStreaming] = useState(false);
  const box = useRef<HTMLPreElement>(null);
  const namespace = pod.metadata.namespace ?? 'default';
  const path = resourcePath(kinds.pods, { namespace, name: pod.metadata.name, subresource: 'log' });

  useEffect(() => {
    if (!container) return;
    const ctl = new AbortController();
    setLines([]);
    setError(undefined);
    const following = follow && !previous;
    const url = clusterUrl(cluster, path, logQuery({ container, follow: following, previous, tailLines }));
    let received = false;
    const stream = async (fresh: boolean) => {
      const res = await apiFetch(url, { signal: ctl.signal, headers: { Accept: 'text/plain, */*' } });
      if (!res.ok || !res.body) throw errorFromBody(res.status, res.statusText, await res.text());
      setStreaming(true);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        // After a reconnect the tail is asked again: it replaces what was shown, so no line twice.
        const replace = fresh;
        setLines((old) => appendLog(replace ? [] : old, value, maxLines));
        fresh = false;
        received = true;
      }
    };
    // A follow the network dropped (a browser on the node sees its addresses change whenever a pod
    // starts or stops) is resumed; answers from the server (ApiError) are shown and end it.
    const run = async () => {
      for (let drops = 0, again = false; ; again = true) {
        try {
          await stream(again);
          return;
        } catch (err) {
          // Drops in a row: a stream that delivered lines starts the count again.
          drops = received ? 1 : drops + 1;
          received = false;
          if (!following || err instanceof ApiError || ctl.signal.aborted || drops > reconnects) throw err;
          setStreaming(false);
          await new Promise((r) => setTimeout(r, reconnectDelayMs));
        }
      }
    };
    run()
      .catch((err: unknown) => {
        if (ctl.signal.aborted) return;
        setError(err instanceof ApiError ? err : new ApiError(0, 'NetworkError', String(err)));
      })
      .finally(() => {
        if (!ctl.signal.aborted) setStreaming(false);
      });
    return () => ctl.abort();
  }, [cluster, path, container, follow, previous]);

  // Stay at the bottom while following, unless the user scrolled up to read.
  useEffect(() => {
    const el = box.current;
    if (el && follow && el.scrollHeight - el.scrollTop - el.clientHeight < 80) el.scrollTop = el.scrollHeight;
  }, [lines, follow]);

  const download = clusterUrl(cluster, path, logQuery({ container, previous }));
  const text = lines.join('\n');
  return (
    <Space direction="vertical" size={8} style={{ width: '100%' }}>
      <Space wrap>
        <span>{t.podDetail.container}</span>
        <Select
          aria-label={t.podDetail.container}
          data-testid="logs-container"
          value={container}
          onChange={setContainer}
          style={{ minWidth: 160 }}
          options={names.map((n) => ({ value: n.name, label: n.init ? `${n.name} (init)` : n.name }))}
        />
        <Switch checked={follow} onChange={setFollow} disabled={previous} aria-label={t.podDetail.follow} />
        <span>{t.podDetail.follow}</span>
        <Switch checked={previous} onChange={setPrevious} aria-label={t.podDetail.previous} />
        <span>{t.podDetail.previous}</span>
        <a href={download} download={logFileName(pod.metadata.name, container, previous)}>
          <Button icon={<DownloadOutlined />}>{t.podDetail.download}</Button>
        </a>
        {streaming && follow && !previous ? (
          <Typography.Text type="secondary" data-testid="logs-live">
            {t.podDetail.live}
          </Typography.Text>
        ) : null}
      </Space>
      {error ? <ErrorAlert error={error} /> : null}
      <pre
        ref={box}
        data-testid="pod-logs"
        tabIndex={0}
        aria-label={t.podDetail.logs}
        style={{
          margin: 0,
          height: 'calc(100vh - 420px)',
          minHeight: 240,
          overflow: 'auto',
          fontSize: 12,
          background: '#1e1e1e',
          color: '#ddd',
          padding: 8,
          whiteSpace: 'pre-wrap',
          wordBreak: 'break-all',
        }}
      >
        {text === '' && !error ? t.podDetail.noLogs : text}
      </pre>
    </Space>
  );
}
