import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type os from 'node:os';
import {
  goArch,
  parseDefaultRouteInterface,
  parseMeminfo,
  parseOsRelease,
  primaryIPv4,
  readHostInfo,
} from './host-info.ts';

const fixture = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

test('parseMeminfo: MemTotal and MemAvailable in bytes', () => {
  assert.deepEqual(parseMeminfo(fixture('meminfo')), {
    totalBytes: 16318152 * 1024,
    availableBytes: 9876544 * 1024,
  });
});

test('parseMeminfo: old kernels without MemAvailable fall back to MemFree', () => {
  assert.deepEqual(parseMeminfo(fixture('meminfo-old')), {
    totalBytes: 1024000 * 1024,
    availableBytes: 512000 * 1024,
  });
});

test('parseMeminfo: no MemTotal is an error', () => {
  assert.throws(() => parseMeminfo('MemFree: 1 kB\n'), /MemTotal/);
});

test('parseOsRelease: quoted, single-quoted, missing', () => {
  assert.equal(parseOsRelease(fixture('os-release-debian')), 'Debian GNU/Linux 12 (bookworm)');
  assert.equal(parseOsRelease(fixture('os-release-unquoted')), 'Alpine Linux v3.20');
  assert.equal(parseOsRelease(fixture('os-release-unquoted'), 'ID'), 'alpine');
  assert.equal(parseOsRelease('NAME=x\n'), undefined);
});

test('parseDefaultRouteInterface picks the default route with the lowest metric', () => {
  assert.equal(parseDefaultRouteInterface(fixture('route')), 'eth0');
  assert.equal(parseDefaultRouteInterface('Iface\tDestination\n'), undefined);
});

const addr = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null }) as os.NetworkInterfaceInfo;

test('primaryIPv4: the preferred interface, else the first non-internal IPv4', () => {
  const ifaces = {
    lo: [addr('127.0.0.1', 'IPv4', true)],
    docker0: [addr('172.17.0.1', 'IPv4')],
    eth0: [addr('fe80::1', 'IPv6'), addr('10.0.0.5', 'IPv4')],
    wlan0: [addr('169.254.3.3', 'IPv4')],
  };
  assert.equal(primaryIPv4(ifaces, 'eth0'), '10.0.0.5');
  assert.equal(primaryIPv4(ifaces), '172.17.0.1');
  assert.equal(primaryIPv4({ lo: [addr('127.0.0.1', 'IPv4', true)] }), undefined);
});

test('goArch uses Go names', () => {
  assert.deepEqual(['x64', 'arm64', 'arm'].map(goArch), ['amd64', 'arm64', 'arm']);
});

test('readHostInfo reads this host', async () => {
  const h = await readHostInfo(tmpdir());
  assert.ok(h.cpus >= 1);
  assert.ok(h.memTotalBytes > 0 && h.memAvailableBytes <= h.memTotalBytes);
  assert.ok(h.storageTotalBytes > 0 && h.storageAvailableBytes <= h.storageTotalBytes);
  assert.ok(h.pids > 0 && h.pidMax >= h.pids);
  assert.equal(h.operatingSystem, 'linux');
  assert.ok(h.osImage.length > 0);
});
