/**
 * Checks the hand-kept tables two ways: internally (every referenced message exists, flags are
 * known) and against the protobuf descriptors that the real kubectl binary carries (gogo-protobuf
 * registers each generated.proto as a gzipped FileDescriptorProto): every table field must have the
 * descriptor's number, name and type, and every descriptor field of a covered message must be in
 * the table. The descriptor part is skipped without kubectl.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync, constants } from 'node:zlib';
import { kubectlPath } from '../../../test/helpers/kubectl.ts';
import { messages } from './messages/index.ts';
import { scalarKinds, wellKnownKinds } from './table.ts';
import { readFields } from './wire.ts';

test('tables are closed: every kind is a scalar, a well-known kind or a table', () => {
  for (const [name, msg] of Object.entries(messages)) {
    for (const [num, [json, kind, flags = '']] of Object.entries(msg)) {
      const where = `${name} field ${num} (${json})`;
      assert.ok(
        scalarKinds.has(kind) || wellKnownKinds.has(kind) || messages[kind],
        `${where}: unknown kind ${kind}`,
      );
      assert.match(flags, /^[rmzi]*$/, where);
      if (flags.includes('i')) assert.ok(messages[kind], `${where}: only messages can be inline`);
      if (flags.includes('z')) assert.ok(scalarKinds.has(kind), `${where}: z only applies to scalars`);
    }
  }
});

interface DescField {
  name: string;
  repeated: boolean;
  type: number;
  typeName: string;
}

/** Proto field types from descriptor.proto: 3 int64, 5 int32, 8 bool, 9 string, 11 message, 12 bytes. */
const typeKinds: Record<number, string> = { 3: 'int64', 5: 'int32', 8: 'bool', 9: 'string', 12: 'bytes' };

const wellKnownNames: Record<string, string> = {
  '.k8s.io.apimachinery.pkg.api.resource.Quantity': 'Quantity',
  '.k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'IntOrString',
  '.k8s.io.apimachinery.pkg.apis.meta.v1.Time': 'Time',
  '.k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': 'MicroTime',
  '.k8s.io.apimachinery.pkg.apis.meta.v1.Duration': 'Duration',
  '.k8s.io.apimachinery.pkg.runtime.RawExtension': 'RawExtension',
  '.k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': 'FieldsV1',
};

/** Table name for a descriptor's full message name. */
function shortName(full: string): string {
  return (
    wellKnownNames[full] ??
    full.replace(/^\.k8s\.io\.api\./, '').replace(/^\.k8s\.io\.apimachinery\.pkg\.apis\./, '')
  );
}

/** Reads every k8s.io FileDescriptorProto gzipped into the kubectl binary: message → fields, map entries. */
function kubectlDescriptors(): { fields: Map<string, Map<number, DescField>>; mapEntries: Set<string> } {
  const bin = readFileSync(realpathSync(kubectlPath));
  const fields = new Map<string, Map<number, DescField>>();
  const mapEntries = new Set<string>();
  const str = (b: unknown): string => (b as Buffer).toString('utf8');
  const visit = (buf: Buffer, prefix: string): void => {
    const parts = readFields(buf);
    const name = `${prefix}.${str(parts.find((p) => p.field === 1)?.value)}`;
    const own = new Map<number, DescField>();
    for (const p of parts) {
      if (p.field === 2 && p.wire === 2) {
        const f: Record<number, unknown> = {};
        for (const q of readFields(p.value)) f[q.field] = q.value;
        own.set(Number(f[3]), {
          name: str(f[1]),
          repeated: f[4] === 3n,
          type: Number(f[5]),
          typeName: f[6] ? str(f[6]) : '',
        });
      } else if (p.field === 3 && p.wire === 2) visit(p.value, name);
      else if (
        p.field === 7 &&
        p.wire === 2 &&
        readFields(p.value).some((o) => o.field === 7 && o.value === 1n)
      )
        mapEntries.add(name);
    }
    fields.set(name, own);
  };
  const magic = Buffer.from([0x1f, 0x8b, 0x08]);
  for (let i = bin.indexOf(magic); i >= 0; i = bin.indexOf(magic, i + 3)) {
    let file: Buffer;
    try {
      file = gunzipSync(bin.subarray(i, i + 400_000), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      continue;
    }
    if (!file.includes('generated.proto') || !file.includes('k8s.io')) continue;
    try {
      // gunzip also inflates any gzip member that directly follows: keep only the first file
      // (each serialized FileDescriptorProto starts with its name, field 1).
      const all = readFields(file);
      const second = all.findIndex((p, i) => i > 0 && p.field === 1);
      const parts = second < 0 ? all : all.slice(0, second);
      const pkg = parts.find((p) => p.field === 2);
      if (!pkg || !str(pkg.value).startsWith('k8s.io.')) continue;
      for (const p of parts) if (p.field === 4 && p.wire === 2) visit(p.value, `.${str(pkg.value)}`);
    } catch {
      continue; // a gzip stream that is not a descriptor
    }
  }
  return { fields, mapEntries };
}

test(
  'tables match the descriptors compiled into kubectl',
  { skip: !existsSync(kubectlPath) && 'no kubectl' },
  () => {
    const { fields, mapEntries } = kubectlDescriptors();
    assert.ok(fields.size > 500, `found ${fields.size} messages in kubectl`);
    const byShort = new Map([...fields].map(([full, f]) => [shortName(full), { full, f }]));
    // Where the proto name is not the JSON name.
    const renamed: Record<string, string> = { 'authentication.v1.BoundObjectReference.uID': 'uid' };
    const problems: string[] = [];
    for (const [name, msg] of Object.entries(messages)) {
      const desc = byShort.get(name);
      if (!desc) {
        problems.push(`${name}: not in kubectl's descriptors`);
        continue;
      }
      for (const [num, d] of desc.f) {
        const mine = msg[num];
        const where = `${name} field ${num} (${d.name})`;
        if (!mine) {
          problems.push(`${where}: missing from the table`);
          continue;
        }
        const [json, kind, flags = ''] = mine;
        if (json !== (renamed[`${name}.${d.name}`] ?? d.name))
          problems.push(`${where}: table names it ${json}`);
        let want = typeKinds[d.type] ?? shortName(d.typeName);
        const isMap = d.type === 11 && mapEntries.has(d.typeName);
        if (isMap) {
          const value = fields.get(d.typeName)?.get(2);
          want = value ? (typeKinds[value.type] ?? shortName(value.typeName)) : '?';
        }
        if (kind !== want) problems.push(`${where}: table kind ${kind}, descriptor ${want}`);
        if (flags.includes('m') !== isMap)
          problems.push(`${where}: map flag ${flags.includes('m')}, descriptor ${isMap}`);
        if (flags.includes('r') !== (d.repeated && !isMap)) problems.push(`${where}: repeated flag wrong`);
      }
      for (const num of Object.keys(msg))
        if (!desc.f.has(Number(num))) problems.push(`${name} field ${num}: not in the descriptor`);
    }
    assert.deepEqual(problems, []);
  },
);
