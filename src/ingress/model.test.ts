import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel } from './model.ts';
import { ingress, input, secret, service, slice, threeServices } from './testing.ts';

const routesOf = (m: ReturnType<typeof buildModel>, host: string) =>
  m.servers
    .find((s) => s.host === host)
    ?.routes.map((r) => [r.match, r.path, 'upstream' in r.target ? r.target.upstream : r.target.status]);

test('upstreams hold ready endpoint addresses and target ports, not the ClusterIP', () => {
  const s = slice('a', ['10.0.0.1', '10.0.0.2', 'not-an-ip', '10.0.0.1']);
  s.endpoints!.push({ addresses: ['10.0.0.9'], conditions: { ready: false } });
  s.endpoints!.push({ addresses: ['10.0.0.8'] }); // unset ready counts as ready
  const m = buildModel(
    input([ingress('i', { rules: [{ host: 'x.io', paths: [['/', 'Prefix', 'a']] }] })], {
      services: [service('a')],
      slices: [s],
    }),
  );
  assert.deepEqual(m.upstreams, [
    { name: 'default_a_80', servers: ['10.0.0.1:8080', '10.0.0.2:8080', '10.0.0.8:8080'] },
  ]);
});

test('a missing Service or no ready endpoints answers 503 without rejecting the Ingress', () => {
  const m = buildModel(
    input(
      [
        ingress('i', {
          rules: [
            {
              host: 'x.io',
              paths: [
                ['/a', 'Prefix', 'a'],
                ['/gone', 'Prefix', 'gone'],
              ],
            },
          ],
        }),
      ],
      {
        services: [service('a')],
        slices: [slice('a', [])],
      },
    ),
  );
  assert.deepEqual(m.accepted, ['default/i']);
  assert.deepEqual(routesOf(m, 'x.io'), [
    ['Prefix', '/a', 503],
    ['Prefix', '/gone', 503],
  ]);
  assert.deepEqual(m.upstreams, []);
});

test('several Ingresses merge per host; conflicts go to the oldest', () => {
  const objs = threeServices();
  const older = ingress('older', {
    created: '2025-01-01T00:00:00Z',
    rules: [
      {
        host: 'x.io',
        paths: [
          ['/', 'Prefix', 'a'],
          ['/api/', 'Prefix', 'a'],
        ],
      },
    ],
  });
  const newer = ingress('newer', {
    created: '2025-02-01T00:00:00Z',
    rules: [
      {
        host: 'x.io',
        paths: [
          ['/api', 'Prefix', 'b'],
          ['/docs', 'Exact', 'c'],
        ],
      },
    ],
  });
  const m = buildModel(input([newer, older], objs));
  assert.deepEqual(m.accepted, ['default/older', 'default/newer']);
  assert.deepEqual(routesOf(m, 'x.io'), [
    ['Prefix', '/', 'default_a_80'],
    ['Prefix', '/api', 'default_a_80'],
    ['Exact', '/docs', 'default_c_80'],
  ]);
  assert.deepEqual(m.conflicts.get('default/newer'), [
    'Prefix path /api on host x.io is already served by ingress default/older',
  ]);
  // Same timestamps: namespace/name decides.
  const tie = buildModel(
    input(
      [
        ingress('z', { rules: [{ host: 'y.io', paths: [['/', 'Prefix', 'b']] }] }),
        ingress('a', { rules: [{ host: 'y.io', paths: [['/', 'Prefix', 'a']] }] }),
      ],
      objs,
    ),
  );
  assert.deepEqual(routesOf(tie, 'y.io'), [['Prefix', '/', 'default_a_80']]);
});

test('rejects the bad Ingress only, saying why', () => {
  const objs = { ...threeServices(), secrets: [secret('opaque', 'Opaque', { a: 'b' })] };
  const good = ingress('good', { rules: [{ host: 'ok.io', paths: [['/', 'Prefix', 'a']] }] });
  const cases: [ReturnType<typeof ingress>, RegExp][] = [
    [
      ingress('tls-missing', {
        tls: [{ hosts: ['t.io'], secretName: 'nope' }],
        rules: [{ host: 't.io', paths: [['/', 'Prefix', 'a']] }],
      }),
      /TLS secret default\/nope not found/,
    ],
    [
      ingress('tls-type', {
        tls: [{ hosts: ['t.io'], secretName: 'opaque' }],
        rules: [{ host: 't.io', paths: [['/', 'Prefix', 'a']] }],
      }),
      /want kubernetes.io\/tls/,
    ],
    [
      ingress('bad-ann', {
        annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': 'lots' },
        rules: [{ host: 'b.io', paths: [['/', 'Prefix', 'a']] }],
      }),
      /proxy-body-size/,
    ],
    [ingress('bad-host', { rules: [{ host: 'x.io;', paths: [['/', 'Prefix', 'a']] }] }), /invalid host/],
    [ingress('bad-path', { rules: [{ host: 'p.io', paths: [['/a b', 'Prefix', 'a']] }] }), /invalid path/],
    [
      ingress('bad-type', { rules: [{ host: 'p.io', paths: [['/a', 'Glob', 'a']] }] }),
      /unsupported pathType/,
    ],
    [
      ingress('bad-regex', {
        annotations: { 'nginx.ingress.kubernetes.io/use-regex': 'true' },
        rules: [{ host: 'p.io', paths: [['/(x', 'ImplementationSpecific', 'a']] }],
      }),
      /invalid path/,
    ],
    [
      ingress('no-auth', {
        annotations: {
          'nginx.ingress.kubernetes.io/auth-type': 'basic',
          'nginx.ingress.kubernetes.io/auth-secret': 'users',
        },
        rules: [{ host: 'p.io', paths: [['/', 'Prefix', 'a']] }],
      }),
      /auth secret default\/users not found/,
    ],
  ];
  for (const [bad, why] of cases) {
    const m = buildModel(input([good, bad], objs));
    assert.deepEqual(m.accepted, ['default/good'], bad.metadata.name);
    assert.match(m.rejected.get(`default/${bad.metadata.name}`) ?? '', why, bad.metadata.name);
  }
  const resource = ingress('resource', { rules: [] });
  resource.spec!.defaultBackend = { resource: { kind: 'Bucket', name: 'x' } };
  assert.match(
    buildModel(input([resource], objs)).rejected.get('default/resource') ?? '',
    /resource backends/,
  );
});

test('defaultBackend, TLS files and htpasswd files', () => {
  const objs = {
    ...threeServices(),
    secrets: [
      secret('users', 'Opaque', { auth: 'alice:{SHA}abc=\n\n' }),
      secret('map', 'Opaque', { bob: '$apr1$x$y' }),
    ],
  };
  const m = buildModel(
    input(
      [
        ingress('d', {
          defaultBackend: 'c',
          rules: [{ host: 'x.io', paths: [['/a', 'Prefix', 'a']] }],
          annotations: {
            'nginx.ingress.kubernetes.io/auth-type': 'basic',
            'nginx.ingress.kubernetes.io/auth-secret': 'users',
          },
        }),
        ingress('m', {
          rules: [{ host: 'm.io', paths: [['/', 'Prefix', 'a']] }],
          annotations: {
            'nginx.ingress.kubernetes.io/auth-type': 'basic',
            'nginx.ingress.kubernetes.io/auth-secret': 'map',
            'nginx.ingress.kubernetes.io/auth-secret-type': 'auth-map',
          },
        }),
      ],
      objs,
    ),
  );
  assert.deepEqual(m.rejected, new Map());
  const def = m.servers.find((s) => s.host === '')!;
  const x = m.servers.find((s) => s.host === 'x.io')!;
  assert.deepEqual(def.fallback?.target, { upstream: 'default_c_80' });
  assert.deepEqual(x.fallback?.target, { upstream: 'default_c_80' });
  assert.deepEqual(m.files.map((f) => [f.content, f.worker]).sort(), [
    ['alice:{SHA}abc=\n', true],
    ['bob:$apr1$x$y\n', true],
  ]);
  assert.ok(x.routes[0]!.authFile?.startsWith('auth-'));
});

test('Prefix paths lose trailing slashes; ImplementationSpecific is a Prefix unless regex is asked for', () => {
  const objs = threeServices();
  const m = buildModel(
    input(
      [
        ingress('p', {
          rules: [
            {
              host: 'p.io',
              paths: [
                ['/a/', 'Prefix', 'a'],
                ['/b', 'ImplementationSpecific', 'b'],
                ['', 'ImplementationSpecific', 'c'],
              ],
            },
          ],
        }),
        ingress('r', {
          annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/$1' },
          rules: [
            {
              host: 'r.io',
              paths: [
                ['/x/(.*)', 'ImplementationSpecific', 'a'],
                ['/e', 'Exact', 'b'],
              ],
            },
          ],
        }),
      ],
      objs,
    ),
  );
  assert.deepEqual(
    routesOf(m, 'p.io')?.map((r) => r.slice(0, 2)),
    [
      ['Prefix', '/a'],
      ['Prefix', '/b'],
      ['Prefix', '/'],
    ],
  );
  assert.deepEqual(
    routesOf(m, 'r.io')?.map((r) => r.slice(0, 2)),
    [
      ['Regex', '/x/(.*)'],
      ['Exact', '/e'],
    ],
  );
});
