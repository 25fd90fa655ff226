/**
 * The host side of namespace machines: the host bridge (the machines' shared L2, with the gateway
 * address), one network namespace per machine with a veth into the bridge, and host routes to the
 * machines' pod CIDRs. Every step is an `ip` command with a one-line error on failure.
 */
import { existsSync } from 'node:fs';
import { run } from '../network/exec.ts';

/** Host routes to machines' pod CIDRs carry this protocol number (agents use 250 for theirs). */
export const HOST_ROUTE_PROTO = 251;

/** The IPv4 addresses (`a.b.c.d/N`) on a device, or undefined when the device does not exist. */
export async function deviceAddresses(dev: string): Promise<string[] | undefined> {
  if (!existsSync(`/sys/class/net/${dev}`)) return undefined;
  const r = await run(['ip', '-j', '-4', 'addr', 'show', 'dev', dev], { allowFail: true });
  if (r.code !== 0) return undefined;
  const rows = JSON.parse(r.stdout || '[]') as Array<{
    addr_info?: Array<{ local: string; prefixlen: number }>;
  }>;
  return rows.flatMap((row) => (row.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`));
}

/**
 * Makes sure bridge `name` exists, is up and has `gatewayCidr` (e.g. 172.30.0.1/24). Returns true
 * when this call created it. A device of that name without the address is refused rather than
 * changed: it belongs to someone else.
 */
export async function ensureBridge(name: string, gatewayCidr: string): Promise<boolean> {
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(name))
    throw new Error(`invalid bridge name "${name}" (1-15 characters)`);
  const have = await deviceAddresses(name);
  if (have) {
    if (!have.includes(gatewayCidr))
      throw new Error(
        `device ${name} exists without ${gatewayCidr} (it has ${have.join(', ') || 'no address'}): pick another --bridge`,
      );
    await run(['ip', 'link', 'set', name, 'up']);
    return false;
  }
  await run(['ip', 'link', 'add', name, 'type', 'bridge']);
  try {
    await run(['ip', 'addr', 'add', gatewayCidr, 'dev', name]);
    await run(['ip', 'link', 'set', name, 'up']);
  } catch (err) {
    await run(['ip', 'link', 'del', name], { allowFail: true });
    throw err;
  }
  return true;
}

/** Deletes a device if it exists. */
export async function deleteDevice(name: string): Promise<void> {
  if (!existsSync(`/sys/class/net/${name}`)) return;
  const r = await run(['ip', 'link', 'del', name], { allowFail: true });
  if (r.code !== 0 && existsSync(`/sys/class/net/${name}`))
    throw new Error(`ip link del ${name}: ${r.stderr.trim()}`);
}

/** True when the named network namespace exists (/run/netns/NAME). */
export function netnsExists(name: string): boolean {
  return existsSync(`/run/netns/${name}`);
}

export interface MachineLink {
  netns: string;
  hostVeth: string;
  bridge: string;
  /** The machine's address and the subnet's prefix length. */
  address: string;
  prefix: number;
  gateway: string;
}

/**
 * Creates the machine's namespace and wires it: a veth pair (host end on the bridge, machine end
 * `eth0` inside), loopback up, the address, a default route via the bridge, and ip_forward=1 in
 * the namespace (pods route through it). Undone by `deleteMachineNetwork` on failure.
 */
export async function createMachineNetwork(l: MachineLink): Promise<void> {
  if (netnsExists(l.netns))
    throw new Error(
      `network namespace ${l.netns} already exists (ip netns del ${l.netns}, or pick another name)`,
    );
  if (existsSync(`/sys/class/net/${l.hostVeth}`))
    throw new Error(`device ${l.hostVeth} already exists on the host`);
  await run(['ip', 'netns', 'add', l.netns]);
  try {
    await run(['ip', 'link', 'add', l.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', l.netns]);
    await run(['ip', 'link', 'set', l.hostVeth, 'master', l.bridge]);
    await run(['ip', 'link', 'set', l.hostVeth, 'up']);
    const ns = (args: string[]) => run(['ip', '-n', l.netns, ...args]);
    await ns(['link', 'set', 'lo', 'up']);
    await ns(['addr', 'add', `${l.address}/${l.prefix}`, 'dev', 'eth0']);
    await ns(['link', 'set', 'eth0', 'up']);
    await ns(['route', 'add', 'default', 'via', l.gateway, 'dev', 'eth0']);
    await run(['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1'], { netns: l.netns });
  } catch (err) {
    await deleteMachineNetwork(l.netns, l.hostVeth);
    throw err;
  }
}

/** Deletes the namespace and the host end of its veth (each only if present). */
export async function deleteMachineNetwork(netns: string, hostVeth: string): Promise<void> {
  if (netnsExists(netns)) {
    const r = await run(['ip', 'netns', 'del', netns], { allowFail: true });
    if (r.code !== 0 && netnsExists(netns)) throw new Error(`ip netns del ${netns}: ${r.stderr.trim()}`);
  }
  // The veth dies with the namespace's end, but the kernel may take a moment: delete it outright.
  await deleteDevice(hostVeth);
}

/** Routes `podCidr` on the host via the machine's address (replacing our own earlier route). */
export async function addHostRoute(podCidr: string, via: string, bridge: string): Promise<void> {
  await run([
    'ip',
    'route',
    'replace',
    podCidr,
    'via',
    via,
    'dev',
    bridge,
    'proto',
    String(HOST_ROUTE_PROTO),
  ]);
}

/**
 * Routes a LoadBalancer pool on the host across `via` (one route with a next hop per machine, so
 * connections spread over them by flow hash), or removes the route when `via` is empty.
 */
export async function setPoolRoute(pool: string, via: string[], bridge: string): Promise<void> {
  if (!via.length) {
    await run(['ip', 'route', 'del', pool, 'proto', String(HOST_ROUTE_PROTO)], { allowFail: true });
    return;
  }
  const hops =
    via.length === 1
      ? ['via', via[0]!, 'dev', bridge]
      : via.flatMap((v) => ['nexthop', 'via', v, 'dev', bridge]);
  await run(['ip', 'route', 'replace', pool, 'proto', String(HOST_ROUTE_PROTO), ...hops]);
}

/** Removes our host route to `podCidr` (only one carrying HOST_ROUTE_PROTO); absent is fine. */
export async function removeHostRoute(podCidr: string, via: string): Promise<void> {
  await run(['ip', 'route', 'del', podCidr, 'via', via, 'proto', String(HOST_ROUTE_PROTO)], {
    allowFail: true,
  });
}
