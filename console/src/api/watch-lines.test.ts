import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter } from './watch-lines.ts';

const cases: { name: string; chunks: string[]; lines: string[] }[] = [
  { name: 'one line per chunk', chunks: ['{"a":1}\n', '{"b":2}\n'], lines: ['{"a":1}', '{"b":2}'] },
  { name: 'a line cut in two', chunks: ['{"a"', ':1}\n{"b":', '2}\n'], lines: ['{"a":1}', '{"b":2}'] },
  { name: 'several lines in one chunk', chunks: ['1\n2\n3\n'], lines: ['1', '2', '3'] },
  { name: 'blank lines and CRLF are dropped', chunks: ['1\r\n\n', '\n2\n'], lines: ['1', '2'] },
  { name: 'a last line without newline comes out on flush', chunks: ['1\n2'], lines: ['1', '2'] },
];

for (const c of cases) {
  test(`LineSplitter: ${c.name}`, () => {
    const s = new LineSplitter();
    const out = c.chunks.flatMap((ch) => s.push(ch));
    out.push(...s.flush());
    assert.deepEqual(out, c.lines);
  });
}
