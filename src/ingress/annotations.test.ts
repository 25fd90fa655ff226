import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAnnotations, type IngressAnnotations } from './annotations.ts';

const P = 'nginx.ingress.kubernetes.io/';

test('parses the supported annotations', () => {
  const r = parseAnnotations('web', {
    [`${P}rewrite-target`]: '/$2',
    [`${P}ssl-redirect`]: 'false',
    [`${P}force-ssl-redirect`]: 'true',
    [`${P}proxy-body-size`]: '16m',
    [`${P}proxy-connect-timeout`]: '3',
    [`${P}proxy-read-timeout`]: '120',
    [`${P}proxy-send-timeout`]: '30',
    [`${P}whitelist-source-range`]: '10.0.0.0/8, 192.168.0.1',
    [`${P}auth-type`]: 'basic',
    [`${P}auth-secret`]: 'web/users',
    [`${P}auth-realm`]: 'Team "A"',
    'other.io/ignored': 'x',
  });
  assert.ok(r.ok);
  const want: IngressAnnotations = {
    rewriteTarget: '/$2',
    useRegex: false,
    sslRedirect: false,
    forceSslRedirect: true,
    proxyBodySize: '16m',
    proxyConnectTimeout: 3,
    proxyReadTimeout: 120,
    proxySendTimeout: 30,
    whitelistSourceRange: ['10.0.0.0/8', '192.168.0.1'],
    basicAuth: { secretNamespace: 'web', secretName: 'users', secretType: 'auth-file', realm: 'Team "A"' },
  };
  assert.deepEqual(r.value, want);
});

test('defaults', () => {
  const r = parseAnnotations('web', undefined);
  assert.deepEqual(r, {
    ok: true,
    value: {
      useRegex: false,
      sslRedirect: true,
      forceSslRedirect: false,
      proxyConnectTimeout: undefined,
      proxyReadTimeout: undefined,
      proxySendTimeout: undefined,
    },
  });
});

test('rejects values that could inject nginx directives or are malformed', () => {
  const cases: [string, string, RegExp][] = [
    ['rewrite-target', '/x; return 200 "pwned"', /rewrite-target/],
    ['rewrite-target', '/$host', /rewrite-target/],
    ['rewrite-target', '/a\nb', /rewrite-target/],
    ['rewrite-target', 'relative', /rewrite-target/],
    ['proxy-body-size', '1m; }', /proxy-body-size/],
    ['proxy-read-timeout', '60s; include /etc/passwd', /proxy-read-timeout/],
    ['proxy-connect-timeout', '-1', /proxy-connect-timeout/],
    ['whitelist-source-range', '10.0.0.0/8;allow all', /whitelist-source-range/],
    ['whitelist-source-range', '', /whitelist-source-range/],
    ['ssl-redirect', 'yes', /ssl-redirect/],
    ['use-regex', '1', /use-regex/],
  ];
  for (const [k, v, want] of cases) {
    const r = parseAnnotations('web', { [P + k]: v });
    assert.equal(r.ok, false, `${k}=${JSON.stringify(v)}`);
    if (!r.ok) assert.match(r.errors.join('\n'), want);
  }
});

test('basic auth checks', () => {
  const auth = (extra: Record<string, string>) =>
    parseAnnotations('web', { [`${P}auth-type`]: 'basic', ...extra });
  const cases: [Record<string, string>, RegExp][] = [
    [{}, /auth-secret is required/],
    [{ [`${P}auth-secret`]: 'other/users' }, /own namespace/],
    [{ [`${P}auth-secret`]: 'a/b/c' }, /NAME or NAMESPACE\/NAME/],
    [{ [`${P}auth-secret`]: 'Bad_Name' }, /NAME or NAMESPACE\/NAME/],
    [{ [`${P}auth-secret`]: 'users', [`${P}auth-realm`]: 'evil\n}' }, /auth-realm/],
    [{ [`${P}auth-secret`]: 'users', [`${P}auth-realm`]: '$request_uri' }, /auth-realm/],
    [{ [`${P}auth-secret`]: 'users', [`${P}auth-secret-type`]: 'x' }, /auth-secret-type/],
  ];
  for (const [extra, want] of cases) {
    const r = auth(extra);
    assert.equal(r.ok, false, JSON.stringify(extra));
    if (!r.ok) assert.match(r.errors.join('\n'), want);
  }
  assert.equal(parseAnnotations('web', { [`${P}auth-type`]: 'digest', [`${P}auth-secret`]: 'u' }).ok, false);
  const ok = auth({ [`${P}auth-secret`]: 'users', [`${P}auth-secret-type`]: 'auth-map' });
  assert.ok(
    ok.ok &&
      ok.value.basicAuth?.secretType === 'auth-map' &&
      ok.value.basicAuth.realm === 'Authentication Required',
  );
});
