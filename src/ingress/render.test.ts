import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from './model.ts';
import { findNginx, Nginx } from './nginx.ts';
import { renderConfig, type RenderOptions } from './render.ts';
import { ingress, input, secret, service, slice, threeServices, type PathSpec } from './testing.ts';

const opts: RenderOptions = {
  dir: '/run/berth-ingress',
  filesDir: '/run/berth-ingress/files',
  httpListen: '127.0.0.1:8080',
  httpsListen: '127.0.0.1:8443',
  httpsPort: 8443,
  defaultCertFile: '/run/berth-ingress/default.pem',
  workerProcesses: 1,
};

/** The location heads of the server for `host`, in file order. */
function locations(text: string, host: string): string[] {
  const start = text.indexOf(`server_name ${host === '' ? '_' : `"${host}"`};`);
  const end = text.indexOf('\n  }\n', start);
  return [...text.slice(start, end).matchAll(/^ {4}(location [^\n]*) \{$/gm)].map((m) => m[1]!);
}

function render(paths: PathSpec[], annotations?: Record<string, string>): string {
  const m = buildModel(
    input([ingress('i', { annotations, rules: [{ host: 'x.io', paths }] })], threeServices()),
  );
  assert.deepEqual(m.rejected, new Map());
  return renderConfig(m, opts).text;
}

test('locations per pathType, longest first', () => {
  const cases: { name: string; paths: PathSpec[]; annotations?: Record<string, string>; want: string[] }[] = [
    {
      name: 'Prefix is element-wise: exact plus slash prefix; root is location /',
      paths: [
        ['/foo', 'Prefix', 'a'],
        ['/', 'Prefix', 'b'],
      ],
      want: ['location = "/foo"', 'location "/foo/"', 'location /'],
    },
    {
      name: 'Exact beats Prefix for the same path without a duplicate location',
      paths: [
        ['/foo', 'Prefix', 'a'],
        ['/foo', 'Exact', 'b'],
      ],
      want: ['location = "/foo"', 'location "/foo/"', 'location /'],
    },
    {
      name: 'longest path first',
      paths: [
        ['/a', 'Prefix', 'a'],
        ['/a/b/c', 'Exact', 'b'],
        ['/a/b', 'Prefix', 'c'],
      ],
      want: [
        'location = "/a/b/c"',
        'location = "/a/b"',
        'location "/a/b/"',
        'location = "/a"',
        'location "/a/"',
        'location /',
      ],
    },
    {
      name: 'a regex server turns Prefix paths into anchored regexes, longest first',
      paths: [
        ['/api', 'Prefix', 'a'],
        ['/v([0-9]+)/(.*)', 'ImplementationSpecific', 'b'],
        ['/', 'Prefix', 'c'],
        ['/x', 'Exact', 'a'],
      ],
      annotations: { 'nginx.ingress.kubernetes.io/use-regex': 'true' },
      want: ['location ~* "^/v([0-9]+)/(.*)"', 'location ~ "^/api(/|$)"', 'location = "/x"', 'location /'],
    },
    {
      name: 'ImplementationSpecific without regex is a Prefix; quotes in paths are escaped',
      paths: [['/q"uote', 'ImplementationSpecific', 'a']],
      want: ['location = "/q\\"uote"', 'location "/q\\"uote/"', 'location /'],
    },
  ];
  for (const c of cases) assert.deepEqual(locations(render(c.paths, c.annotations), 'x.io'), c.want, c.name);
});

test('annotations become directives in the Ingress locations', () => {
  const objs = { ...threeServices(), secrets: [secret('users', 'Opaque', { auth: 'u:{SHA}x\n' })] };
  const P = 'nginx.ingress.kubernetes.io/';
  const m = buildModel(
    input(
      [
        ingress('i', {
          annotations: {
            [`${P}rewrite-target`]: '/$2',
            [`${P}force-ssl-redirect`]: 'true',
            [`${P}proxy-body-size`]: '10m',
            [`${P}proxy-connect-timeout`]: '3',
            [`${P}proxy-read-timeout`]: '100',
            [`${P}proxy-send-timeout`]: '7',
            [`${P}whitelist-source-range`]: '10.0.0.0/8,::1',
            [`${P}auth-type`]: 'basic',
            [`${P}auth-secret`]: 'users',
            [`${P}auth-realm`]: 'Say "hi"',
          },
          rules: [{ host: 'x.io', paths: [['/s(/|$)(.*)', 'ImplementationSpecific', 'a']] }],
        }),
      ],
      objs,
    ),
  );
  const text = renderConfig(m, opts).text;
  const auth = m.files[0]!.name;
  const start = text.indexOf('location ~* "^/s(/|$)(.*)" {');
  const body = text.slice(start, text.indexOf('location / {', start));
  assert.deepEqual(
    body
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    [
      'location ~* "^/s(/|$)(.*)" {',
      'if ($scheme = "http") {',
      'return 308 "https://$host:8443$request_uri";',
      '}',
      'allow 10.0.0.0/8;',
      'allow ::1;',
      'deny all;',
      'auth_basic "Say \\"hi\\"";',
      `auth_basic_user_file "/run/berth-ingress/files/${auth}";`,
      'client_max_body_size 10m;',
      'proxy_connect_timeout 3s;',
      'proxy_read_timeout 100s;',
      'proxy_send_timeout 7s;',
      'rewrite "(?i)^/s(/|$)(.*)" "/$2" break;',
      'proxy_pass http://default_a_80;',
      '}',
    ],
  );
  // ssl-redirect applies by default only where the host has TLS.
  assert.ok(!render([['/', 'Prefix', 'a']]).includes('return 308'));
});

test('upstreams use keepalive; websocket and X-Forwarded headers are set', () => {
  const text = render([['/', 'Prefix', 'a']]);
  assert.match(
    text,
    /upstream default_a_80 \{\n\s+server 10\.0\.0\.1:8080 max_fails=0;\n\s+keepalive 64;\n\s+\}/,
  );
  for (const h of [
    'Upgrade $http_upgrade',
    'Connection $connection_upgrade',
    'X-Forwarded-For $proxy_add_x_forwarded_for',
    'X-Forwarded-Proto $scheme',
    'X-Forwarded-Host $host',
    'X-Forwarded-Port $server_port',
  ])
    assert.ok(text.includes(`proxy_set_header ${h};`), h);
});

test('every line is charged to the Ingress that produced it', () => {
  const m = buildModel(
    input(
      [
        ingress('one', { rules: [{ host: 'a.io', paths: [['/', 'Prefix', 'a']] }] }),
        ingress('two', {
          created: '2026-01-01T00:00:00Z',
          rules: [{ host: 'b.io', paths: [['/x', 'Exact', 'b']] }],
        }),
      ],
      threeServices(),
    ),
  );
  const r = renderConfig(m, opts);
  const lines = r.text.split('\n');
  assert.equal(r.owners[lines.findIndex((l) => l.includes('"b.io"'))], 'default/two');
  assert.equal(r.owners[lines.findIndex((l) => l.includes('location = "/x"'))], 'default/two');
  assert.equal(r.owners[lines.findIndex((l) => l.includes('"a.io"'))], 'default/one');
  assert.equal(r.owners[lines.findIndex((l) => l.includes('worker_processes'))], undefined);
});

/** Hostile objects: each must be rejected, or rendered so the configuration holds exactly what we wrote. */
const hostile = () => {
  const svc = service('a');
  const evilSlice = slice('a', ['10.0.0.1', '10.0.0.2:80; include /etc/shadow', '1.2.3.4 backup']);
  evilSlice.ports = [{ name: 'http', port: 8080 }];
  const P = 'nginx.ingress.kubernetes.io/';
  return input(
    [
      ingress('paths', {
        rules: [
          {
            host: 'x.io',
            paths: [
              ['/a";}server{listen;location/x{return', 'Prefix', 'a'],
              ['/b\\"', 'Exact', 'a'],
              ['/c#comment', 'Prefix', 'a'],
              ['/d;return', 'ImplementationSpecific', 'a'],
            ],
          },
        ],
      }),
      ingress('regex', {
        annotations: { [`${P}use-regex`]: 'true' },
        rules: [{ host: 'r.io', paths: [['/x"{}$;\\d', 'ImplementationSpecific', 'a']] }],
      }),
      ingress('host', { rules: [{ host: 'x.io;server_name y', paths: [['/', 'Prefix', 'a']] }] }),
      ingress('realm', {
        annotations: { [`${P}auth-type`]: 'basic', [`${P}auth-secret`]: 'u', [`${P}auth-realm`]: 'r";\n}' },
        rules: [{ host: 'q.io', paths: [['/', 'Prefix', 'a']] }],
      }),
      ingress('newline', { rules: [{ host: 'n.io', paths: [['/x\nreturn 200;', 'Prefix', 'a']] }] }),
      ingress('svcname', { rules: [{ host: 's.io', paths: [['/', 'Prefix', 'a;b']] }] }),
    ],
    { services: [svc], slices: [evilSlice] },
  );
};

test('injection attempts are rejected or neutralised', () => {
  const m = buildModel(hostile());
  assert.deepEqual([...m.rejected.keys()].sort(), [
    'default/host',
    'default/newline',
    'default/realm',
    'default/svcname',
  ]);
  const text = renderConfig(m, opts).text;
  // Only the valid endpoint made it; the odd ones were dropped.
  assert.match(text, /upstream default_a_80 \{\n\s+server 10\.0\.0\.1:8080 max_fails=0;\n\s+keepalive/);
  assert.ok(!text.includes('shadow') && !text.includes('backup'));
  // Structure: one `listen` per server per port, and no user text outside quotes.
  assert.equal((text.match(/^\s*listen /gm) ?? []).length, 2 * m.servers.length);
  assert.ok(text.includes('location = "/a\\";}server{listen;location/x{return"'));
  assert.ok(text.includes('location ~* "^/x\\"{}$;\\\\d"'));
});

const nginxSkip = existsSync(findNginx()) ? false : 'nginx not installed';

describe('with a real nginx', { skip: nginxSkip }, () => {
  let dir = '';
  let o: RenderOptions;
  let nginx: Nginx;
  const servers: http.Server[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-render-'));
    for (const d of ['files', 'logs', 'tmp']) mkdirSync(join(dir, d));
    const { createCertificateAuthority } = await import('../apiserver/pki/issue.ts');
    const self = await createCertificateAuthority('t');
    writeFileSync(join(dir, 'default.pem'), `${self.cert}\n${self.key}`);
    o = {
      ...opts,
      dir,
      filesDir: join(dir, 'files'),
      defaultCertFile: join(dir, 'default.pem'),
      httpListen: '127.0.0.1:0',
      httpsListen: '127.0.0.1:0',
      user: process.getuid?.() === 0 ? 'root' : undefined,
    };
    nginx = new Nginx({ prefix: dir, confPath: join(dir, 'nginx.conf'), pidPath: join(dir, 'nginx.pid') });
  });
  after(async () => {
    await nginx?.stop();
    for (const s of servers) {
      s.close();
      s.closeAllConnections();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('nginx -t accepts what survives the hostile input, and no extra server appears', async () => {
    const text = renderConfig(buildModel(hostile()), {
      ...o,
      httpListen: '127.0.0.1:1',
      httpsListen: '127.0.0.1:2',
    }).text;
    writeFileSync(join(dir, 'hostile.conf'), text);
    const r = await nginx.test(join(dir, 'hostile.conf'));
    assert.deepEqual(r, { ok: true });
  });

  test('paths match the way Kubernetes defines them', async () => {
    const ports: number[] = [];
    for (const name of ['a', 'b', 'c']) {
      const srv = http.createServer((req, res) => res.end(`${name} ${req.url}`));
      await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
      servers.push(srv);
      ports.push((srv.address() as AddressInfo).port);
    }
    const objs = {
      services: ['a', 'b', 'c'].map((n) => service(n)),
      slices: ['a', 'b', 'c'].map((n, i) => slice(n, ['127.0.0.1'], ports[i])),
    };
    const m = buildModel(
      input(
        [
          ingress('p', {
            defaultBackend: 'c',
            rules: [
              {
                host: 'p.io',
                paths: [
                  ['/foo', 'Prefix', 'a'],
                  ['/foo/bar', 'Prefix', 'b'],
                  ['/exact', 'Exact', 'b'],
                ],
              },
            ],
          }),
          ingress('r', {
            annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/$2' },
            rules: [
              {
                host: 'r.io',
                paths: [
                  ['/api(/|$)(.*)', 'ImplementationSpecific', 'a'],
                  ['/', 'Prefix', 'c'],
                ],
              },
            ],
          }),
        ],
        objs,
      ),
    );
    const { createServer } = await import('node:net');
    const free = await new Promise<number>((r) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => r(p));
      });
    });
    const text = renderConfig(m, {
      ...o,
      httpListen: `127.0.0.1:${free}`,
      httpsListen: `127.0.0.1:${free + 1}`,
    }).text;
    writeFileSync(join(dir, 'nginx.conf'), text);
    await nginx.start();
    const get = (host: string, path: string) =>
      new Promise<string>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: free, path, headers: { Host: host }, agent: false }, (res) => {
            let b = '';
            res.on('data', (c: Buffer) => (b += c.toString()));
            res.on('end', () => resolve(`${res.statusCode} ${b}`));
          })
          .on('error', reject);
      });
    const cases: [string, string, string][] = [
      ['p.io', '/foo', '200 a /foo'],
      ['p.io', '/foo/', '200 a /foo/'],
      ['p.io', '/foo/x', '200 a /foo/x'],
      ['p.io', '/foobar', '200 c /foobar'], // not an element-wise prefix: defaultBackend
      ['p.io', '/foo/bar', '200 b /foo/bar'],
      ['p.io', '/foo/bar/baz', '200 b /foo/bar/baz'],
      ['p.io', '/foo/barn', '200 a /foo/barn'],
      ['p.io', '/exact', '200 b /exact'],
      ['p.io', '/exact/more', '200 c /exact/more'],
      ['r.io', '/api/v1/x?y=1', '200 a /v1/x?y=1'],
      ['r.io', '/API/v1', '200 a /v1'],
      ['r.io', '/apix', '200 c /apix'],
      ['other.io', '/foo', '200 c /foo'],
    ];
    for (const [host, path, want] of cases) assert.equal(await get(host, path), want, `${host}${path}`);
  });
});
