import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderContainerdConfig } from './config.ts';
import { cidrContains, cniConflist, gatewayOf, parseCidr, writeCniConfig } from './cni-config.ts';
import { runtimePaths } from './paths.ts';
import { writeRegistryHost } from './registry-hosts.ts';
import { INSTALL_HINT, runtimePreflightMessage } from './preflight.ts';

const tmp = mkdtempSync(join(tmpdir(), 'berth-ctrdcfg-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('containerd config', () => {
  const paths = runtimePaths('/var/lib/berth');
  const toml = renderContainerdConfig({
    paths,
    sandboxImage: 'berth.local/pause:1',
    cniBinDir: '/usr/lib/cni',
    streamServerAddress: '172.30.0.2',
    streamServerPort: 41000,
  });
  const cases: Array<[string, RegExp]> = [
    ['root under the data dir', /^root = "\/var\/lib\/berth\/containerd\/root"$/m],
    ['state under the data dir', /^state = "\/var\/lib\/berth\/containerd\/state"$/m],
    ['socket', /^\s+address = "\/var\/lib\/berth\/containerd\/containerd\.sock"$/m],
    ['oom score adj restricted', /^\s+restrict_oom_score_adj = true$/m],
    ['netns under state', /^\s+netns_mounts_under_state_dir = true$/m],
    ['local pause image', /^\s+sandbox_image = "berth\.local\/pause:1"$/m],
    ['stream server', /stream_server_address = "172\.30\.0\.2"\n\s+stream_server_port = "41000"/],
    ['overlayfs', /^\s+snapshotter = "overlayfs"$/m],
    ['cgroupfs', /^\s+SystemdCgroup = false$/m],
    ['runc root', /^\s+Root = "\/var\/lib\/berth\/containerd\/runc"$/m],
    ['CNI bin dir', /^\s+bin_dir = "\/usr\/lib\/cni"$/m],
    ['CNI conf dir', /^\s+conf_dir = "\/var\/lib\/berth\/cni\/net\.d"$/m],
    ['registry hosts', /registry\]\n\s+config_path = "\/var\/lib\/berth\/certs\.d"$/m],
    ['opt plugin kept out of /opt', /^\s+path = "\/var\/lib\/berth\/containerd\/opt"$/m],
  ];
  for (const [name, re] of cases) test(name, () => assert.match(toml, re));

  test('every table header is a known containerd section', () => {
    const headers = [...toml.matchAll(/^\[(.+)\]$/gm)].map((m) => m[1]);
    assert.ok(headers.length >= 8);
    for (const h of headers)
      assert.match(h, /^(grpc|ttrpc|plugins\."io\.containerd\.[a-z0-9.]+"(\.[a-z.]+)?)$/, h);
  });
});

describe('CNI config', () => {
  test('bridge + host-local over the pod CIDR, then portmap', () => {
    const conf = cniConflist({ podCidr: '10.244.3.0/24', bridge: 'br-x', ipamDataDir: '/d/ipam' }) as {
      cniVersion: string;
      name: string;
      plugins: Array<Record<string, unknown>>;
    };
    assert.equal(conf.cniVersion, '1.0.0');
    assert.equal(conf.name, 'berth');
    assert.deepEqual(
      conf.plugins.map((p) => p.type),
      ['bridge', 'portmap'],
    );
    const [bridge, portmap] = conf.plugins;
    assert.deepEqual(
      [bridge.bridge, bridge.isGateway, bridge.ipMasq, bridge.hairpinMode],
      ['br-x', true, true, true],
    );
    assert.deepEqual(bridge.ipam, {
      type: 'host-local',
      ranges: [[{ subnet: '10.244.3.0/24' }]],
      routes: [{ dst: '0.0.0.0/0' }],
      dataDir: '/d/ipam',
    });
    assert.deepEqual(portmap.capabilities, { portMappings: true });
  });

  test('bad bridge names and CIDRs are refused', () => {
    assert.throws(
      () => cniConflist({ podCidr: '10.0.0.0/24', bridge: 'a-very-long-bridge', ipamDataDir: '/x' }),
      /bridge/,
    );
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '300.0.0.0/24', 'fd00::/64', '10.0.0.0/24/1']) {
      assert.throws(() => parseCidr(bad), /invalid pod CIDR/, bad);
    }
  });

  test('CIDR arithmetic', () => {
    assert.deepEqual(parseCidr('10.244.1.77/24'), {
      base: ((10 << 24) | (244 << 16) | (1 << 8)) >>> 0,
      prefix: 24,
    });
    assert.equal(gatewayOf('10.244.1.0/24'), '10.244.1.1');
    assert.equal(gatewayOf('192.168.128.0/17'), '192.168.128.1');
    const cases: Array<[string, string, boolean]> = [
      ['10.244.1.0/24', '10.244.1.2', true],
      ['10.244.1.0/24', '10.244.2.2', false],
      ['10.244.0.0/16', '10.244.255.254', true],
      ['10.244.0.0/16', 'garbage', false],
    ];
    for (const [cidr, ip, want] of cases) assert.equal(cidrContains(cidr, ip), want, `${ip} in ${cidr}`);
  });

  test('writeCniConfig writes once and rewrites only on change', () => {
    const dir = join(tmp, 'net.d');
    const path = writeCniConfig(dir, { podCidr: '10.1.0.0/24', ipamDataDir: '/i' });
    const first = statSync(path).ino; // a rewrite renames a new file in: a new inode
    writeCniConfig(dir, { podCidr: '10.1.0.0/24', ipamDataDir: '/i' });
    assert.equal(statSync(path).ino, first);
    writeCniConfig(dir, { podCidr: '10.2.0.0/24', ipamDataDir: '/i' });
    assert.notEqual(statSync(path).ino, first);
    assert.match(readFileSync(path, 'utf8'), /10\.2\.0\.0\/24/);
  });
});

test('registry hosts.toml for a plain-HTTP registry', () => {
  const path = writeRegistryHost(join(tmp, 'certs.d'), { host: '172.30.0.1:5000', insecureHttp: true });
  assert.equal(path, join(tmp, 'certs.d', '172.30.0.1:5000', 'hosts.toml'));
  const text = readFileSync(path, 'utf8');
  assert.match(text, /^server = "http:\/\/172\.30\.0\.1:5000"$/m);
  assert.match(text, /^\[host\."http:\/\/172\.30\.0\.1:5000"\]$/m);
  assert.throws(() => writeRegistryHost(tmp, { host: '../etc' }), /invalid registry host/);
});

describe('preflight', () => {
  const cniDir = join(tmp, 'cni-bin');
  mkdirSync(cniDir, { recursive: true });
  for (const p of ['bridge', 'host-local', 'portmap', 'loopback']) {
    writeFileSync(join(cniDir, p), '#!/bin/sh\n');
    chmodSync(join(cniDir, p), 0o755);
  }

  test('a missing containerd gives one line with the apt-get fix', () => {
    const msg = runtimePreflightMessage({
      containerd: '/nonexistent/containerd',
      cniBinDir: cniDir,
      requireRoot: false,
    });
    assert.ok(msg);
    assert.equal(msg.split('\n').length, 1);
    assert.match(msg, /^\/nonexistent\/containerd.* not found: /);
    assert.ok(msg.endsWith(INSTALL_HINT));
  });

  test('missing CNI plugins are named', () => {
    const msg = runtimePreflightMessage({ cniBinDir: join(tmp, 'empty'), requireRoot: false });
    assert.match(msg ?? '', /CNI plugins \(bridge, host-local, portmap, loopback in .*empty\) not found/);
  });

  test('not root is reported when required', { skip: process.getuid?.() === 0 && 'running as root' }, () => {
    assert.match(runtimePreflightMessage({ cniBinDir: cniDir }) ?? '', /not running as root/);
  });
});
