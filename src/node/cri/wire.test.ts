/**
 * The field tables must put each field at the CRI's own field number: these tests check
 * encoded bytes against tags computed by hand (tag = field << 3 | wire type), decode answers the way
 * containerd sends them, and check error mapping — no runtime needed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GrpcError, GrpcStatus as status } from './grpc.ts';
import { decode } from './protobuf.ts';
import { criMethods } from './wire.ts';
import { CriClient, grpcTarget, nanosToDate } from './client.ts';
import { CriError, isNotFound, toCriError } from './errors.ts';

const LEN = 2; // wire type of strings, bytes and messages
const VARINT = 0;
const tag = (field: number, wire: number): number => (field << 3) | wire;

/** The top-level fields of an encoded message: number and, for length-delimited ones, the bytes. */
function fields(buf: Buffer): Array<{ field: number; bytes?: Buffer }> {
  const out: Array<{ field: number; bytes?: Buffer }> = [];
  let i = 0;
  const varint = (): number => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = buf[i++];
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    if ((key & 7) === VARINT) {
      varint();
      out.push({ field });
    } else if ((key & 7) === LEN) {
      const n = varint();
      out.push({ field, bytes: buf.subarray(i, i + n) });
      i += n;
    } else throw new Error(`unexpected wire type ${key & 7}`);
  }
  return out;
}

const numbers = (buf: Buffer): number[] => [...new Set(fields(buf).map((f) => f.field))];
const sub = (buf: Buffer, field: number): Buffer => fields(buf).find((f) => f.field === field)!.bytes!;

describe('cri.proto field numbers', () => {
  const m = criMethods();

  test('paths are runtime.v1 service methods', () => {
    assert.equal(m.RunPodSandbox.path, '/runtime.v1.RuntimeService/RunPodSandbox');
    assert.equal(m.PullImage.path, '/runtime.v1.ImageService/PullImage');
    assert.equal(m.ImageFsInfo.path, '/runtime.v1.ImageService/ImageFsInfo');
  });

  test('small requests encode to the exact bytes', () => {
    const cases: Array<[string, Buffer, number[]]> = [
      ['StopPodSandbox', m.StopPodSandbox.requestSerialize({ pod_sandbox_id: 'x' }), [tag(1, LEN), 1, 0x78]],
      [
        'StopContainer',
        m.StopContainer.requestSerialize({ container_id: 'c', timeout: 30 }),
        [tag(1, LEN), 1, 0x63, tag(2, VARINT), 30],
      ],
      [
        'PortForward',
        m.PortForward.requestSerialize({ pod_sandbox_id: 'p', port: [80] }),
        [tag(1, LEN), 1, 0x70, tag(2, LEN), 1, 80],
      ],
      [
        'ExecSync',
        m.ExecSync.requestSerialize({ container_id: 'c', cmd: ['a'], timeout: 5 }),
        [tag(1, LEN), 1, 0x63, tag(2, LEN), 1, 0x61, tag(3, VARINT), 5],
      ],
    ];
    for (const [name, got, want] of cases) assert.deepEqual([...got], want, name);
  });

  test('sandbox and container configs put each field at its CRI number', () => {
    const sandbox = {
      metadata: { name: 'n', uid: 'u', namespace: 'ns', attempt: 1 },
      hostname: 'h',
      log_directory: '/l',
      dns_config: { servers: ['1.1.1.1'] },
      port_mappings: [{ protocol: 'TCP' as const, container_port: 80, host_port: 8080 }],
      labels: { a: 'b' },
      annotations: { c: 'd' },
      linux: { cgroup_parent: '/p' },
    };
    const run = m.RunPodSandbox.requestSerialize({ config: sandbox, runtime_handler: 'runc' });
    assert.deepEqual(numbers(run), [1, 2]);
    const config = sub(run, 1);
    assert.deepEqual(numbers(config), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(numbers(sub(config, 1)), [1, 2, 3, 4], 'PodSandboxMetadata');
    assert.deepEqual(numbers(sub(config, 5)), [1, 2, 3], 'PortMapping (TCP = 0 is still sent)');

    const container = m.CreateContainer.requestSerialize({
      pod_sandbox_id: 's',
      config: {
        metadata: { name: 'c' },
        image: { image: 'i' },
        command: ['x'],
        args: ['y'],
        working_dir: '/w',
        envs: [{ key: 'K', value: 'V' }],
        mounts: [{ container_path: '/a', host_path: '/b' }],
        labels: { l: 'v' },
        annotations: { a: 'v' },
        log_path: 'c/0.log',
        stdin: true,
        tty: true,
        linux: { resources: { memory_limit_in_bytes: 1 } },
      },
      sandbox_config: sandbox,
    });
    assert.deepEqual(numbers(container), [1, 2, 3]);
    assert.deepEqual(
      numbers(sub(container, 2)),
      [1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15],
      'ContainerConfig',
    );
    const cfg = decode<{ config: Record<string, unknown> }>(m.CreateContainer.requestType, container);
    assert.equal(cfg.config.log_path, 'c/0.log');
  });

  test('answers decode with int64 as strings, enums by name, bytes as Buffer', () => {
    // ContainerStatusResponse{status{id:"c"(1), state:RUNNING(3)=1, started_at(5)=2^62, exit_code(7)=3}}
    const status = Buffer.from([
      tag(1, LEN),
      1,
      0x63,
      tag(3, VARINT),
      1,
      tag(5, VARINT),
      0x80,
      0x80,
      0x80,
      0x80,
      0x80,
      0x80,
      0x80,
      0x80,
      0x40,
      tag(7, VARINT),
      3,
    ]);
    const res = m.ContainerStatus.responseDeserialize(Buffer.from([tag(1, LEN), status.length, ...status]));
    assert.equal(res.status?.id, 'c');
    assert.equal(res.status?.state, 'CONTAINER_RUNNING');
    assert.equal(res.status?.started_at, (2n ** 62n).toString());
    assert.equal(res.status?.finished_at, '0');
    assert.equal(res.status?.exit_code, 3);
    assert.deepEqual(res.info, {});

    const exec = m.ExecSync.responseDeserialize(Buffer.from([tag(1, LEN), 2, 0x68, 0x69, tag(3, VARINT), 3]));
    assert.ok(Buffer.isBuffer(exec.stdout));
    assert.deepEqual([exec.stdout.toString(), exec.stderr.length, exec.exit_code], ['hi', 0, 3]);

    const img = m.ImageStatus.responseDeserialize(Buffer.alloc(0));
    assert.equal(img.image, null, 'absent image is null');
  });
});

describe('errors', () => {
  const svcErr = (code: number, details: string): GrpcError => new GrpcError(code, details);

  test('gRPC codes map to CriError codes with the call named', () => {
    const cases: Array<[number, string]> = [
      [status.NOT_FOUND, 'NotFound'],
      [status.UNAVAILABLE, 'Unavailable'],
      [status.DEADLINE_EXCEEDED, 'DeadlineExceeded'],
      [status.INVALID_ARGUMENT, 'InvalidArgument'],
      [status.INTERNAL, 'Unknown'],
    ];
    for (const [grpc, code] of cases) {
      const err = toCriError('StartContainer', svcErr(grpc, 'boom'), 'unix:///s');
      assert.equal(err.code, code);
      assert.equal(err.grpcCode, grpc);
      assert.match(err.message, /^CRI StartContainer: .*boom/);
    }
    assert.equal(isNotFound(toCriError('X', svcErr(status.NOT_FOUND, 'gone'), '')), true);
    assert.equal(isNotFound(new Error('not found')), false);
  });

  test('an unreachable socket says which one', async () => {
    const cri = new CriClient({ endpoint: '/nonexistent/berth/cri.sock', requestTimeoutMs: 3_000 });
    try {
      await assert.rejects(cri.version(), (err: unknown) => {
        assert.ok(err instanceof CriError);
        assert.equal(err.code, 'Unavailable');
        assert.match(
          err.message,
          /^CRI Version: container runtime not reachable at unix:\/\/\/nonexistent\/berth\/cri\.sock/,
        );
        return true;
      });
    } finally {
      cri.close();
    }
  });
});

test('grpcTarget and nanosToDate', () => {
  assert.equal(grpcTarget('/run/c.sock'), 'unix:///run/c.sock');
  assert.equal(grpcTarget('unix:///run/c.sock'), 'unix:///run/c.sock');
  assert.equal(nanosToDate('0'), undefined);
  assert.equal(nanosToDate('1700000000123456789')?.toISOString(), '2023-11-14T22:13:20.123Z');
});
