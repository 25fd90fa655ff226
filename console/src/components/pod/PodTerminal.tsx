/**
 * A terminal into a container: xterm.js over the exec WebSocket the console server bridges to the
 * cluster (the browser holds only its session cookie). Keys go out on stdin, stdout/stderr are
 * written to the terminal, its size follows the element (resize channel), and the final Status
 * (exit code, or why the cluster refused) is shown when the session ends. This module is loaded
 * only when a terminal is opened, so xterm is not part of any other page.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Typography } from 'antd';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import {
  channel,
  execProtocols,
  execSocketUrl,
  exitStatus,
  frame,
  readFrame,
  resizeFrame,
} from '../../lib/exec-channel.ts';
import { t } from '../../texts.ts';

export interface PodTerminalProps {
  cluster: string;
  namespace: string;
  pod: string;
  container: string;
  command: string[];
}

type Phase = { state: 'connecting' | 'open' } | { state: 'ended'; ok: boolean; message: string };

export default function PodTerminal(props: PodTerminalProps) {
  const host = useRef<HTMLDivElement>(null);
  const [phase, setPhase] = useState<Phase>({ state: 'connecting' });
  const { cluster, namespace, pod, container } = props;
  const command = props.command.join('\u0000');

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const term = new Terminal({ cursorBlink: true, fontSize: 13, convertEol: false, scrollback: 5000 });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    fit.fit();
    setPhase({ state: 'connecting' });
    const url = execSocketUrl(
      window.location,
      cluster,
      { namespace, pod, container },
      command.split('\u0000'),
    );
    const ws = new WebSocket(url, execProtocols);
    ws.binaryType = 'arraybuffer';
    let ended: Phase | undefined;
    const sendSize = () => {
      if (ws.readyState === WebSocket.OPEN) ws.send(resizeFrame(term.cols, term.rows));
    };
    ws.onopen = () => {
      setPhase({ state: 'open' });
      sendSize();
      term.focus();
    };
    ws.onmessage = (ev: MessageEvent<ArrayBuffer>) => {
      const f = readFrame(ev.data);
      if (f.channel === channel.stdout || f.channel === channel.stderr) term.write(f.data);
      else if (f.channel === channel.error) {
        const s = exitStatus(f.data);
        const message = s.ok
          ? t.podDetail.exited(0)
          : s.exitCode !== undefined
            ? t.podDetail.exited(s.exitCode)
            : (s.message ?? '');
        ended = { state: 'ended', ok: s.ok, message };
      }
    };
    ws.onclose = () => {
      const end = ended ?? { state: 'ended', ok: true, message: t.podDetail.sessionClosed };
      setPhase(end);
      if (end.state === 'ended') term.write(`\r\n\x1b[90m[${end.message}]\x1b[0m\r\n`);
    };
    const input = term.onData((d) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame(channel.stdin, d));
    });
    const resized = term.onResize(sendSize);
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(el);
    return () => {
      observer.disconnect();
      input.dispose();
      resized.dispose();
      ws.onclose = null;
      ws.close();
      term.dispose();
    };
  }, [cluster, namespace, pod, container, command]);

  return (
    <div>
      {phase.state === 'ended' && !phase.ok ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          data-testid="terminal-error"
          message={phase.message}
          style={{ marginBottom: 8 }}
        />
      ) : null}
      <Typography.Text type="secondary" data-testid="terminal-state">
        {phase.state === 'ended'
          ? phase.message
          : phase.state === 'open'
            ? t.podDetail.connected
            : t.podDetail.connecting}
      </Typography.Text>
      <div
        ref={host}
        data-testid="terminal"
        style={{
          height: 'calc(100vh - 440px)',
          minHeight: 260,
          background: '#000',
          padding: 4,
          marginTop: 8,
        }}
      />
    </div>
  );
}
