// OpenShell's network + middleware validation, ported from validate_sandbox_policy: each check must
// fire with OpenShell's exact text on the node a user would fix, and stay silent on what OpenShell accepts.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { validateNetwork, validateReservedKeys, isRustIpAddr } from '../../server/src/core/policy/network';

const net = (yaml: string) => validateNetwork(parse(yaml));
const messages = (yaml: string) => net(yaml).map((v) => v.message);

/** A one-endpoint policy; `fields` is the endpoint body in flow style, e.g. `host: a.b, port: 443`. */
const ep = (fields: string, rule = 'api') => `version: 1\nnetwork_policies:\n  ${rule}:\n    endpoints:\n      - { ${fields} }\n`;

function only(yaml: string, message: string, path: (string | number)[]): void {
  assert.deepEqual(net(yaml), [{ message, path }]);
}

const EP0 = ['network_policies', 'api', 'endpoints', 0];
const L7 = (reason: string, rule = 'api', i = 0) => `network policy '${rule}': endpoint ${i} has invalid L7 configuration: ${reason}`;

describe('host checks', () => {
  test('explicit tcp without host', () => {
    only(ep('protocol: tcp, port: 6379, allowed_ips: [10.0.0.0/8]'),
      "network policy 'api': protocol tcp requires a DNS hostname; hostless allowed_ips endpoints are supported only by the forward proxy",
      EP0);
    // Whitespace-only counts as empty (Rust `trim`); the host node is underlined when it exists.
    assert.deepEqual(net(ep('host: " ", protocol: TCP, port: 6379'))[0].path, [...EP0, 'host']);
  });

  test('hostless endpoint needs allowed_ips on a non-TCP endpoint', () => {
    only(ep('port: 443'),
      "network policy 'api': endpoint host must not be empty unless allowed_ips constrains a non-TCP proxy endpoint", EP0);
    assert.deepEqual(net(ep('port: 8000, allowed_ips: [10.0.0.0/8]')), []);
  });

  test('the rule name replaces the key in messages', () => {
    const yaml = 'version: 1\nnetwork_policies:\n  k:\n    name: nice-name\n    endpoints: [{ port: 443 }]\n';
    assert.match(messages(yaml)[0], /^network policy 'nice-name': endpoint host must not be empty/);
  });

  test('explicit tcp with an IP literal', () => {
    only(ep('host: 10.0.0.5, port: 6379, protocol: tcp'),
      "network policy 'api': protocol tcp endpoint '10.0.0.5' must use a DNS hostname, not an IP literal; direct IP connections bypass policy DNS and are blocked",
      [...EP0, 'host']);
    assert.equal(net(ep('host: "::ffff:10.0.0.5", port: 6379, protocol: tcp')).length, 1);
    // Without protocol tcp an IP host goes through the forward proxy and is accepted.
    assert.deepEqual(net(ep('host: 10.0.0.5, port: 443')), []);
  });

  test('Rust IpAddr parsing, not a loose regex', () => {
    assert.ok(isRustIpAddr('192.168.0.1'));
    assert.ok(isRustIpAddr('::1'));
    assert.ok(isRustIpAddr('2001:db8::8a2e:370:7334'));
    assert.ok(isRustIpAddr('::ffff:1.2.3.4'));
    assert.ok(!isRustIpAddr('010.0.0.1'), 'octal-looking octets are refused');
    assert.ok(!isRustIpAddr('256.0.0.1'));
    assert.ok(!isRustIpAddr('1.2.3'));
    assert.ok(!isRustIpAddr('[::1]'));
    assert.ok(!isRustIpAddr('1::2::3'));
  });

  test('explicit tcp host must be a DNS name policy DNS can resolve', () => {
    const reason = (host: string) => {
      const v = net(ep(`host: ${JSON.stringify(host)}, port: 6379, protocol: tcp`));
      return v.map((x) => x.message);
    };
    const msg = (host: string, why: string) =>
      `network policy 'api': protocol tcp endpoint has invalid DNS host selector '${host}': ${why}`;
    assert.deepEqual(reason('redis.internal.'), [msg('redis.internal.', 'omit the trailing DNS root dot')]);
    assert.deepEqual(reason(' redis.internal'), [msg(' redis.internal', 'leading or trailing whitespace is not allowed')]);
    assert.deepEqual(reason('redis..internal'), [msg('redis..internal', 'host pattern must not contain empty DNS labels')]);
    assert.deepEqual(reason('redis internal'), [msg('redis internal', 'host pattern must not contain whitespace')]);
    assert.deepEqual(reason('-redis.internal'),
      [msg('-redis.internal', 'selector cannot represent a valid DNS name: Malformed label: -redis')]);
    const long = 'a'.repeat(64) + '.example.com';
    assert.deepEqual(reason(long), [msg(long, 'selector cannot represent a valid DNS name: label bytes exceed 63: 64')]);
    // A bad `**` is both an invalid selector and an invalid wildcard shape, in that order.
    assert.deepEqual(reason('api**.example.com'), [
      msg('api**.example.com', 'invalid host pattern: Pattern syntax error near position 2: recursive wildcards must form a single path component'),
      "network policy 'api': invalid host wildcard 'api**.example.com'; middle DNS label wildcards must be the entire label '*' and recursive '**' is only allowed as the entire first label",
    ]);
    for (const ok of ['redis.internal', '*.redis.internal', '**.redis.internal', 'my_redis.internal', '010.0.0.1']) {
      assert.deepEqual(reason(ok), [], ok);
    }
  });
});

describe('port checks', () => {
  test('an endpoint needs a port', () => {
    only(ep('host: a.example.com'), "network policy 'api': endpoint 'a.example.com' must declare at least one port", EP0);
    assert.deepEqual(net(ep('host: a.example.com, port: 0'))[0].path, [...EP0, 'port']);
    assert.deepEqual(net(ep('host: a.example.com, ports: [443, 8443]')), []);
  });

  test('a zero entry in ports is invalid; ports wins over port', () => {
    only(ep('host: a.example.com, ports: [443, 0]'),
      "network policy 'api': endpoint 'a.example.com' has invalid port 0; expected 1..=65535", [...EP0, 'ports', 1]);
    assert.deepEqual(net(ep('host: a.example.com, port: 0, ports: [443]')), []);
  });

  test('ports serde would refuse are left to the schema', () => {
    assert.deepEqual(net(ep('host: a.example.com, port: 70000')), []);
    assert.deepEqual(net(ep('host: a.example.com, ports: ["x"]')), []);
  });
});

describe('wildcards', () => {
  test('TLD wildcards', () => {
    only(ep('host: "*.com", port: 443'),
      "network policy 'api': TLD wildcard '*.com' is not allowed; use subdomain wildcards like '*.example.com' instead", [...EP0, 'host']);
    assert.equal(net(ep('host: "**.com", port: 443')).length, 1);
    assert.deepEqual(net(ep('host: "*.example.com", port: 443')), []);
  });

  test('bare * and ** hosts are rejected (NemoClaw allow-all policy)', () => {
    // Modelled on NVIDIA/NemoClaw openclaw-sandbox-allow-all @58bff66.
    const yaml = `version: 1
network_policies:
  allow_all:
    name: allow_all
    endpoints:
      - host: "*"
        port: 443
        protocol: rest
        enforcement: enforce
        access: full
      - host: "*"
        port: 80
        protocol: rest
        enforcement: enforce
        access: full
    binaries:
      - { path: "/**" }
`;
    const text = "network policy 'allow_all': invalid host wildcard '*'; middle DNS label wildcards must be the entire label '*' and recursive '**' is only allowed as the entire first label";
    assert.deepEqual(validateNetwork(parse(yaml)), [
      { message: text, path: ['network_policies', 'allow_all', 'endpoints', 0, 'host'] },
      { message: text, path: ['network_policies', 'allow_all', 'endpoints', 1, 'host'] },
    ]);
    assert.equal(net(ep('host: "**", port: 443')).length, 1);
  });

  test('wildcard shapes', () => {
    assert.equal(net(ep('host: "api.*-x.example.com", port: 443')).length, 1);
    assert.equal(net(ep('host: "api.**.example.com", port: 443')).length, 1);
    for (const ok of ['*-aiplatform.googleapis.com', 'api.*.example.com', '**.example.com']) {
      assert.deepEqual(net(ep(`host: "${ok}", port: 443`)), [], ok);
    }
  });
});

describe('credential signing', () => {
  test('unknown value, missing service, body rewrite', () => {
    assert.deepEqual(net(ep('host: s3.amazonaws.com, port: 443, credential_signing: sigv5, signing_service: s3')), [{
      message: "network policy 'api': endpoint 's3.amazonaws.com' has unrecognized credential_signing value 'sigv5' (expected sigv4, sigv4:body, or sigv4:no_body)",
      path: [...EP0, 'credential_signing'],
    }]);
    only(ep('host: s3.amazonaws.com, port: 443, credential_signing: sigv4'),
      "network policy 'api': endpoint 's3.amazonaws.com' has credential_signing set but signing_service is empty",
      [...EP0, 'credential_signing']);
    only(ep('host: s3.amazonaws.com, port: 443, credential_signing: "sigv4:body", signing_service: s3, request_body_credential_rewrite: true'),
      "network policy 'api': endpoint 's3.amazonaws.com' has both credential_signing and request_body_credential_rewrite set; these options are mutually exclusive",
      [...EP0, 'request_body_credential_rewrite']);
    assert.deepEqual(net(ep('host: s3.amazonaws.com, port: 443, credential_signing: "sigv4:no_body", signing_service: s3, signing_region: us-east-1')), []);
  });
});

describe('L7 configuration', () => {
  const cases: [string, string, string, (string | number)[]][] = [
    ['unknown protocol', 'host: a.b.c, port: 21, protocol: ftp', "unknown protocol 'ftp' (expected tcp, rest, websocket, graphql, sql, json-rpc, or mcp)", [...EP0, 'protocol']],
    ['tcp with L7 fields', 'host: a.b.c, port: 5432, protocol: tcp, access: full', 'protocol tcp does not support access, rules, or deny_rules; remove those L7 fields', [...EP0, 'access']],
    ['json-rpc without rules', 'host: a.b.c, port: 443, protocol: json-rpc', 'protocol json-rpc requires explicit rules with allow.method', [...EP0, 'protocol']],
    ['rest without rules or access', 'host: a.b.c, port: 443, protocol: REST', 'protocol requires rules or access to define allowed traffic', [...EP0, 'protocol']],
    ['mcp without rules', 'host: a.b.c, port: 443, protocol: mcp', 'protocol mcp requires rules when mcp.allow_all_known_mcp_methods is false', [...EP0, 'protocol']],
    ['deny_rules without protocol', 'host: a.b.c, port: 443, access: full, deny_rules: [{ method: DELETE }]', 'deny_rules require protocol (L7 inspection must be enabled)', [...EP0, 'deny_rules']],
    ['path not absolute', 'host: a.b.c, port: 443, protocol: rest, access: full, path: v1', "path must start with '/' or be '**'", [...EP0, 'path']],
    ['persisted_queries value', 'host: a.b.c, port: 443, protocol: graphql, access: full, persisted_queries: allow', "persisted_queries must be 'deny' or 'allow_registered', got 'allow'", [...EP0, 'persisted_queries']],
    ['sql enforce', 'host: db.b.c, port: 5432, protocol: sql, access: full, enforcement: enforce', 'SQL enforcement requires full SQL parsing; use enforcement: audit', [...EP0, 'enforcement']],
    ['mcp options off mcp', 'host: a.b.c, port: 443, protocol: rest, access: full, mcp: { strict_tool_names: true }', 'mcp options are only valid for protocol mcp', [...EP0, 'mcp']],
  ];
  for (const [title, fields, reason, path] of cases) {
    test(title, () => only(ep(fields), L7(reason), path));
  }

  test('rules and access together; json-rpc and mcp refuse access presets', () => {
    assert.deepEqual(messages(ep('host: a.b.c, port: 443, protocol: rest, access: full, rules: [{ allow: { method: GET } }]')),
      [L7('rules and access are mutually exclusive')]);
    assert.deepEqual(messages(ep('host: a.b.c, port: 443, protocol: json-rpc, access: full')),
      [L7('protocol json-rpc does not support access presets; use explicit rules with allow.method such as "*"')]);
    assert.deepEqual(messages(ep('host: a.b.c, port: 443, protocol: mcp, access: full')),
      [L7('protocol mcp does not support access presets; use rules/deny_rules or set mcp.allow_all_known_mcp_methods: true for an allow-all MCP policy')]);
  });

  test('rules that allow nothing', () => {
    const yaml = ep('host: a.b.c, port: 443, protocol: rest, rules: [{ allow: { query: { q: "*" } } }]');
    only(yaml, L7('rules would deny all traffic (no allow clause found). Use `access: full` or add allow clauses to rules.'), [...EP0, 'rules']);
    // An MCP tool selector counts as an allow clause; allow_all_known_mcp_methods exempts empty clauses.
    assert.deepEqual(net(ep('host: a.b.c, port: 443, protocol: mcp, rules: [{ allow: { tool: "read_*" } }]')), []);
    assert.deepEqual(net(ep('host: a.b.c, port: 443, protocol: mcp, mcp: { allow_all_known_mcp_methods: true }')), []);
  });

  test('deny_rules need a base allow set except for mcp', () => {
    assert.deepEqual(net(ep('host: a.b.c, port: 443, protocol: rest, deny_rules: [{ method: DELETE }]')), [
      { message: L7('protocol requires rules or access to define allowed traffic'), path: [...EP0, 'protocol'] },
      { message: L7('deny_rules require rules or access to define the base allow set'), path: [...EP0, 'deny_rules'] },
    ]);
    assert.deepEqual(net(ep('host: a.b.c, port: 443, protocol: mcp, mcp: { allow_all_known_mcp_methods: true }, deny_rules: [{ tool: "rm_*" }]')), []);
    assert.deepEqual(net(ep('host: a.b.c, port: 443, protocol: rest, access: read-write, deny_rules: [{ method: DELETE }]')), []);
  });

  test('protocol tcp lists every L7-only field it got', () => {
    only(ep('host: redis.b.c, port: 6379, protocol: tcp, enforcement: audit, path: /x, json_rpc: { max_body_bytes: 10 }'),
      L7('protocol tcp does not support L7-only fields: enforcement, path, json_rpc_max_body_bytes; remove those fields'),
      [...EP0, 'enforcement']);
  });

  test('graphql operation types', () => {
    const yaml = `version: 1
network_policies:
  gh:
    endpoints:
      - host: api.github.com
        port: 443
        protocol: graphql
        rules:
          - allow: { operation_type: query }
          - allow: { operation_type: Query, operation_name: viewer }
        deny_rules:
          - { operation_name: deleteRepo }
        graphql_persisted_queries:
          abc: { operation_type: mutation }
          def: { operation_name: x }
`;
    const base = ['network_policies', 'gh', 'endpoints', 0];
    assert.deepEqual(validateNetwork(parse(yaml)), [
      { message: L7('rules[1].allow.operation_type must be query, mutation, or subscription', 'gh'), path: [...base, 'rules', 1, 'allow', 'operation_type'] },
      { message: L7('deny_rules[0].operation_type must be query, mutation, or subscription', 'gh'), path: [...base, 'deny_rules', 0] },
      { message: L7('graphql_persisted_queries[def].operation_type must be query, mutation, or subscription', 'gh'), path: [...base, 'graphql_persisted_queries', 'def'] },
    ]);
  });

  test('values OpenShell 2f7fb65 does not check stay silent', () => {
    // tls/enforcement/access values are not validated at this version.
    assert.deepEqual(net(ep('host: a.b.c, port: 443, protocol: rest, access: everything, tls: terminate, enforcement: block')), []);
  });
});

describe('middleware', () => {
  const mw = (body: string) => `version: 1\nnetwork_middlewares:\n${body}`;
  const one = (fields: string) => mw(`  redactor: { ${fields} }\n`);
  const M = ['network_middlewares', 'redactor'];

  test('a valid middleware passes', () => {
    assert.deepEqual(net(one('middleware: openshell/regex, order: 20, on_error: fail_open, endpoints: { include: [api.example.com, "*.svc.test"], exclude: [x.svc.test] }')), []);
  });

  test('structural problems', () => {
    only(one('middleware: "", endpoints: { include: [a.b] }'), "middleware config 'redactor' is invalid: middleware must not be empty", [...M, 'middleware']);
    only(one('middleware: m, on_error: maybe, endpoints: { include: [a.b] }'), "middleware config 'redactor' is invalid: invalid on_error 'maybe'", [...M, 'on_error']);
    only(one('middleware: m'), "middleware config 'redactor' is invalid: endpoint selector is required", M);
    only(one('middleware: m, endpoints: { exclude: [a.b] }'), "middleware config 'redactor' is invalid: endpoint selector must include at least one host pattern", [...M, 'endpoints']);
    only(one('middleware: m, endpoints: { include: [a.b, "api**.b"] }'),
      "middleware config 'redactor' is invalid: endpoint selector pattern 'api**.b' is invalid: invalid host pattern: Pattern syntax error near position 2: recursive wildcards must form a single path component",
      [...M, 'endpoints', 'include', 1]);
    only(mw('  "": { middleware: m, endpoints: { include: [a.b] } }\n'), "middleware config '' is invalid: name must not be empty", ['network_middlewares', '']);
  });

  test('too many selector patterns stops further checks of that middleware', () => {
    const hosts = Array.from({ length: 33 }, (_, i) => `h${i}.example.com`).join(', ');
    only(one(`middleware: m, endpoints: { include: [${hosts}] }`), "middleware config 'redactor' has too many selector patterns (33 > 32)", [...M, 'endpoints']);
    const ok = Array.from({ length: 32 }, (_, i) => `h${i}.example.com`).join(', ');
    assert.deepEqual(net(one(`middleware: m, endpoints: { include: [${ok}] }`)), []);
  });

  test('too many configs and duplicate orders (an omitted order is 0)', () => {
    const body = Array.from({ length: 11 }, (_, i) => `  m${String(i).padStart(2, '0')}: { middleware: m, order: ${i}, endpoints: { include: [a.b] } }\n`).join('');
    only(mw(body), 'too many middleware configs (11 > 10)', ['network_middlewares']);
    // Keys are visited in sorted order; a third duplicate pairs with the second.
    const dup = mw('  beta: { middleware: m, endpoints: { include: [a.b] } }\n  alpha: { middleware: m, endpoints: { include: [a.b] } }\n  gamma: { middleware: m, order: 0, endpoints: { include: [a.b] } }\n');
    assert.deepEqual(net(dup), [
      { message: "middleware configs 'alpha' and 'beta' use duplicate order 0", path: ['network_middlewares', 'beta'] },
      { message: "middleware configs 'beta' and 'gamma' use duplicate order 0", path: ['network_middlewares', 'gamma', 'order'] },
    ]);
  });

  test('a fail_closed selector covering a tls: skip endpoint', () => {
    const policy = (mwFields: string, host = 'api.example.com') => `version: 1
network_middlewares:
  redactor: { middleware: m, ${mwFields} }
network_policies:
  api:
    name: api-rule
    endpoints:
      - { host: "${host}", port: 443, tls: skip }
`;
    only(policy('endpoints: { include: ["*.example.com"] }'),
      "middleware config 'redactor' selects network policy 'api-rule' tls: skip endpoint 'api.example.com'", [...M, 'endpoints']);
    // Conservative overlap: a wildcard endpoint meeting a wildcard selector also conflicts.
    assert.equal(net(policy('endpoints: { include: ["**.example.com"] }', '*.example.com')).length, 1);
    assert.deepEqual(net(policy('on_error: fail_open, endpoints: { include: ["*.example.com"] }')), []);
    assert.deepEqual(net(policy('endpoints: { include: ["*.example.com"], exclude: [api.example.com] }')), []);
    assert.deepEqual(net(policy('endpoints: { include: ["*.other.com"] }')), []);
    assert.deepEqual(net(policy('endpoints: { include: [api.example.com] }').replace('tls: skip', 'tls: terminate')), []);
  });
});

describe('order and robustness', () => {
  test('rules in document order, endpoints in order, middleware last', () => {
    const yaml = `version: 1
network_middlewares:
  z: { middleware: "" , endpoints: { include: [a.b] } }
network_policies:
  second:
    endpoints:
      - { host: "*", port: 443 }
      - { host: b.c }
  first:
    endpoints:
      - { port: 443 }
`;
    assert.deepEqual(net(yaml).map((v) => v.path), [
      ['network_policies', 'second', 'endpoints', 0, 'host'],
      ['network_policies', 'second', 'endpoints', 1],
      ['network_policies', 'first', 'endpoints', 0],
      ['network_middlewares', 'z', 'middleware'],
    ]);
  });

  test('never throws on unexpected shapes', () => {
    const shapes: unknown[] = [null, 42, 'x', [], { network_policies: [] }, { network_policies: { a: null } },
      { network_policies: { a: { endpoints: [null, 1, [], { host: {}, port: 'x', ports: {}, rules: [null, { allow: 5 }], mcp: 1 }] } } },
      { network_middlewares: { a: null, b: { endpoints: [], order: 'x' }, c: { endpoints: { include: [null, {}] } } } }];
    for (const s of shapes) assert.doesNotThrow(() => validateNetwork(s));
  });

  test('scalars in string positions count as their text', () => {
    assert.deepEqual(messages(ep('host: 1234, port: 443, protocol: rest, access: true')), []);
  });
});

describe('corpus-like policies are accepted', () => {
  const policies: Record<string, string> = {
    'OpenShell-Community base (flow endpoints, rest + access, rules)': `version: 1
network_policies:
  claude_code:
    name: claude-code
    endpoints:
      - { host: api.anthropic.com, port: 443, protocol: rest, enforcement: enforce, access: full, tls: terminate }
      - { host: statsig.anthropic.com, port: 443 }
      - { host: "*.googleapis.com", port: 443 }
    binaries:
      - { path: /usr/local/bin/claude }
  github_rest:
    name: github-rest-api
    endpoints:
      - host: api.github.com
        port: 443
        protocol: rest
        tls: terminate
        enforcement: enforce
        rules:
          - allow: { method: GET, path: "/**/info/refs*" }
          - allow: { method: POST, path: "/**/git-upload-pack" }
    binaries:
      - { path: /usr/bin/git }
`,
    'transparent TCP redis': `version: 1
network_policies:
  redis:
    name: redis-native-tcp
    endpoints:
      - host: redis.openshell.demo
        port: 6379
        protocol: tcp
        allowed_ips: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]
    binaries:
      - { path: "/**" }
`,
    'reachy REST + websocket with allowed_ips and query matchers': `version: 1
network_policies:
  reachy_rest:
    endpoints:
      - host: host.openshell.internal
        port: 8000
        protocol: rest
        enforcement: enforce
        allowed_ips: [10.0.0.0/8]
        rules:
          - allow: { method: GET, path: /api/daemon/status }
  openai_realtime:
    endpoints:
      - host: api.openai.com
        port: 443
        protocol: websocket
        enforcement: enforce
        websocket_credential_rewrite: true
        rules:
          - allow: { method: GET, path: /v1/realtime, query: { model: gpt-realtime-2 } }
          - allow: { method: WEBSOCKET_TEXT, path: /v1/realtime }
`,
    'middleware content guard': `version: 1
network_middlewares:
  prototype-content-guard:
    name: Prototype content guard
    middleware: content-guard-example
    order: 10
    config: { mode: redact, terms: [prototype-secret], replacement: "[FILTERED]" }
    on_error: fail_closed
    endpoints:
      include: [httpbin.org]
network_policies:
  httpbin:
    endpoints:
      - host: httpbin.org
        port: 443
        protocol: rest
        rules:
          - allow: { method: POST, path: /anything }
    binaries:
      - path: /usr/bin/curl
`,
  };
  for (const [title, yaml] of Object.entries(policies)) {
    test(title, () => assert.deepEqual(net(yaml), []));
  }
});

describe('reserved provider keys (gateway)', () => {
  test('a _provider_ key is rejected with the gateway text', () => {
    const yaml = 'version: 1\nnetwork_policies:\n  mine: { endpoints: [] }\n  _provider_github: { endpoints: [] }\n  _provider_b: {}\n';
    assert.deepEqual(validateReservedKeys(parse(yaml)), [{
      message: "network_policies key '_provider_github' uses reserved '_provider_' prefix for provider composition; use 'openshell policy get <sandbox> --base' for a round-trippable base policy, or use 'openshell policy get <sandbox> --full' to inspect the effective policy including provider entries",
      path: ['network_policies', '_provider_github'],
    }]);
    assert.deepEqual(validateReservedKeys(parse('version: 1\nnetwork_policies:\n  provider_github: {}\n')), []);
    assert.deepEqual(validateReservedKeys(null), []);
  });
});
