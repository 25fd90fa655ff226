/**
 * Bridged traffic through netfilter: with `br_netfilter` loaded and
 * `net.bridge.bridge-nf-call-iptables=1` in the node's network namespace, packets between two pods
 * on the same bridge pass the ip hooks. The service proxy needs that for a ClusterIP whose endpoint
 * sits on the client's own bridge (the reply must be un-DNATed by conntrack), and NetworkPolicy
 * needs it to see pod-to-pod traffic at all. The setting is per network namespace, so the agent
 * turns it on for its own.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import type { ClientLogger } from '../../client/logger.ts';

const sysctl = '/proc/sys/net/bridge/bridge-nf-call-iptables';

/**
 * Turns bridge-nf-call-iptables on in this process's network namespace, loading br_netfilter when
 * needed. Returns whether it is on; failures are logged, never thrown (the node still works, only
 * same-bridge ClusterIP traffic and policy between local pods do not).
 */
export function enableBridgeNetfilter(log: ClientLogger, path = sysctl): boolean {
  const read = (): string | undefined => {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  let value = read();
  if (value === undefined && path === sysctl) {
    try {
      execFileSync('modprobe', ['br_netfilter'], { stdio: 'ignore' });
    } catch {
      // reported below
    }
    value = read();
  }
  if (value === '1') return true;
  try {
    writeFileSync(path, '1');
    return true;
  } catch (err) {
    log.warn(
      { err, path },
      'cannot turn on bridge-nf-call-iptables; traffic between pods on one bridge skips nftables',
    );
    return false;
  }
}
