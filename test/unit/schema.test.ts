// The policy JSON Schema must accept what OpenShell's serde structs accept, reject unknown keys and
// wrong types where serde does, and keep the Rust field order (serde lists expected fields in it).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import type { ErrorObject } from 'ajv';
import { parse } from 'yaml';
import schemaJson from '../../schemas/openshell-policy.schema.json';

type Schema = Record<string, any>;
const schema = schemaJson as Schema;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

function errors(yaml: string): ErrorObject[] {
  return validate(parse(yaml)) ? [] : (validate.errors ?? []);
}
const paths = (yaml: string) => [...new Set(errors(yaml).map((e) => e.instancePath))];
const def = (name: string): Schema => schema.definitions[name];

describe('valid policies pass', () => {
  const policies: Record<string, string> = {
    'minimal': 'version: 1\n',
    'OpenShell-Community sandbox': `version: 1
filesystem_policy:
  include_workdir: true
  read_only: [/usr, /lib, /proc, /dev/urandom, /app, /etc, /var/log]
  read_write: [/sandbox, /tmp, /dev/null]
landlock:
  compatibility: best_effort
process:
  run_as_user: sandbox
  run_as_group: sandbox
network_policies:
  claude_code:
    name: claude-code
    endpoints:
      - { host: api.anthropic.com, port: 443, protocol: rest, enforcement: enforce, access: full, tls: terminate }
      - { host: statsig.anthropic.com, port: 443 }
    binaries:
      - { path: /usr/local/bin/claude }
`,
    'NemoClaw with websocket rules and query matchers': `version: 1
filesystem_policy:
  include_workdir: false
  read_only: [/sandbox]
  read_write: [/sandbox/.openclaw-data, /tmp]
landlock: { compatibility: hard_requirement }
network_policies:
  discord:
    name: discord
    endpoints:
      - host: gateway.discord.gg
        port: 443
        protocol: websocket
        enforcement: enforce
        websocket_credential_rewrite: true
        allow_encoded_slash: true
        rules:
          - allow: { method: GET, path: "/**", query: { v: "10", encoding: { any: [json, etf] } } }
    binaries:
      - { path: "/**", harness: false }
`,
    'every endpoint field': `version: 1
network_policies:
  all:
    endpoints:
      - host: api.example.com
        path: /v1
        port: 443
        ports: [443, 8443]
        protocol: mcp
        tls: skip
        enforcement: audit
        access: ""
        rules:
          - allow: { method: tools/call, tool: { any: ["read_*"] }, params: { arguments: { path: "/tmp/*" } } }
        allowed_ips: [10.0.0.0/8]
        deny_rules:
          - { method: tools/call, tool: "rm_*", fields: [a], operation_type: query, operation_name: x, command: SELECT, path: /x, query: {} }
        allow_encoded_slash: false
        websocket_credential_rewrite: false
        request_body_credential_rewrite: false
        allow_uninspected_credentials: false
        persisted_queries: allow_registered
        graphql_persisted_queries:
          abc: { operation_type: query, operation_name: Viewer, fields: [viewer] }
        graphql_max_body_bytes: 65536
        credential_signing: sigv4
        signing_service: bedrock
        signing_region: us-east-1
        credential_binding: { provider: aws }
        json_rpc: { max_body_bytes: 1024 }
        mcp: { max_body_bytes: 131072, strict_tool_names: true, allow_all_known_mcp_methods: ~ }
network_middlewares:
  guard:
    name: Content guard
    middleware: content-guard-example
    order: -5
    config: { mode: redact, terms: [secret], nested: { any: [1, true, null] } }
    on_error: fail_closed
    endpoints: { include: [httpbin.org], exclude: ["*.internal"] }
`,
    'optional sections written as null': 'version: 1\nfilesystem_policy: ~\nlandlock:\nprocess: null\n',
    'any compatibility string (OpenShell treats it as best_effort)': 'version: 1\nlandlock:\n  compatibility: enforce\n',
    'version is never compared to 1': 'version: 4294967295\n',
  };
  for (const [title, yaml] of Object.entries(policies)) {
    test(title, () => assert.deepEqual(errors(yaml), []));
  }
});

describe('what serde rejects fails at the right place', () => {
  test('missing version', () => {
    const e = errors('filesystem_policy: {}\n');
    assert.equal(e.length, 1);
    assert.equal(e[0].keyword, 'required');
    assert.deepEqual(e[0].params, { missingProperty: 'version' });
  });

  test('unknown keys at every level', () => {
    const cases: [string, string, string][] = [
      ['version: 1\ninference: {}\n', '', 'inference'],
      ['version: 1\nfilesystem_policy:\n  foo: 1\n', '/filesystem_policy', 'foo'],
      ['version: 1\nlandlock:\n  mode: x\n', '/landlock', 'mode'],
      ['version: 1\nprocess:\n  user: x\n', '/process', 'user'],
      ['version: 1\nnetwork_policies:\n  a:\n    middleware: [redact]\n', '/network_policies/a', 'middleware'],
      ['version: 1\nnetwork_policies:\n  a:\n    endpoints: [{ host: a.b, port: 443, middleware: [x] }]\n', '/network_policies/a/endpoints/0', 'middleware'],
      ['version: 1\nnetwork_policies:\n  a:\n    endpoints: [{ host: a.b, rules: [{ allow: { verb: GET } }] }]\n', '/network_policies/a/endpoints/0/rules/0/allow', 'verb'],
      ['version: 1\nnetwork_policies:\n  a:\n    binaries: [{ path: /x, sha: y }]\n', '/network_policies/a/binaries/0', 'sha'],
      ['version: 1\nnetwork_middlewares:\n  m: { middleware: x, endpoints: { include: [a], only: [b] } }\n', '/network_middlewares/m/endpoints', 'only'],
    ];
    for (const [yaml, path, key] of cases) {
      const e = errors(yaml).filter((x) => x.keyword === 'additionalProperties');
      assert.deepEqual(e.map((x) => [x.instancePath, x.params.additionalProperty]), [[path, key]], yaml);
    }
  });

  test('NemoClaw preset fragments are not standalone policies', () => {
    const e = errors('preset:\n  name: npm\nnetwork_policies: {}\n');
    assert.deepEqual(e.map((x) => x.keyword).sort(), ['additionalProperties', 'required']);
  });

  test('wrong scalar types and integer ranges', () => {
    assert.deepEqual(paths('version: "1"\n'), ['/version']);
    assert.deepEqual(paths('version: -1\n'), ['/version']);
    assert.deepEqual(paths('version: 1\nfilesystem_policy:\n  include_workdir: "yes"\n'), ['/filesystem_policy/include_workdir']);
    assert.deepEqual(paths('version: 1\nfilesystem_policy:\n  read_only: /usr\n'), ['/filesystem_policy/read_only']);
    assert.deepEqual(paths('version: 1\nfilesystem_policy:\n  read_write: [[/tmp]]\n'), ['/filesystem_policy/read_write/0']);
    assert.deepEqual(paths('version: 1\nnetwork_policies:\n  a:\n    endpoints: [{ host: a.b, port: 70000 }]\n'), ['/network_policies/a/endpoints/0/port']);
    assert.deepEqual(paths('version: 1\nnetwork_policies:\n  a:\n    endpoints: [{ host: a.b, ports: [443, 65536] }]\n'), ['/network_policies/a/endpoints/0/ports/1']);
    assert.deepEqual(paths('version: 1\nnetwork_middlewares:\n  m: { middleware: x, order: 2147483648 }\n'), ['/network_middlewares/m/order']);
  });

  test('required fields inside network sections', () => {
    const missing = (yaml: string) => errors(yaml).filter((e) => e.keyword === 'required').map((e) => [e.instancePath, e.params.missingProperty]);
    assert.deepEqual(missing('version: 1\nnetwork_policies:\n  a:\n    binaries: [{ harness: true }]\n'), [['/network_policies/a/binaries/0', 'path']]);
    assert.deepEqual(missing('version: 1\nnetwork_policies:\n  a:\n    endpoints: [{ host: a.b, rules: [{}] }]\n'), [['/network_policies/a/endpoints/0/rules/0', 'allow']]);
    assert.deepEqual(missing('version: 1\nnetwork_middlewares:\n  m: { endpoints: { include: [a] } }\n'), [['/network_middlewares/m', 'middleware']]);
  });

  test('lists and maps do not accept null, optional sections do', () => {
    assert.deepEqual(paths('version: 1\nfilesystem_policy:\n  read_only: ~\n'), ['/filesystem_policy/read_only']);
    assert.deepEqual(paths('version: 1\nnetwork_policies: ~\n'), ['/network_policies']);
    assert.deepEqual(errors('version: 1\nnetwork_middlewares:\n  m: { middleware: x, endpoints: ~ }\n'), []);
  });
});

describe('schema shape the lead relies on', () => {
  test('properties follow the Rust field order', () => {
    assert.deepEqual(Object.keys(schema.properties), ['version', 'filesystem_policy', 'landlock', 'process', 'network_policies', 'network_middlewares']);
    assert.deepEqual(Object.keys(schema.properties.filesystem_policy.properties), ['include_workdir', 'read_only', 'read_write']);
    assert.deepEqual(Object.keys(def('networkPolicyRule').properties), ['name', 'endpoints', 'binaries']);
    assert.deepEqual(Object.keys(def('networkEndpoint').properties), [
      'host', 'path', 'port', 'ports', 'protocol', 'tls', 'enforcement', 'access', 'rules', 'allowed_ips', 'deny_rules',
      'allow_encoded_slash', 'websocket_credential_rewrite', 'request_body_credential_rewrite', 'allow_uninspected_credentials',
      'persisted_queries', 'graphql_persisted_queries', 'graphql_max_body_bytes', 'credential_signing', 'signing_service',
      'signing_region', 'credential_binding', 'json_rpc', 'mcp',
    ]);
    assert.deepEqual(Object.keys(def('l7Rule').properties.allow.properties), [
      'method', 'path', 'command', 'query', 'operation_type', 'operation_name', 'fields', 'tool', 'params',
    ]);
    assert.deepEqual(Object.keys(def('networkMiddleware').properties), ['name', 'middleware', 'order', 'config', 'on_error', 'endpoints']);
  });

  test('every property is described and every scalar names its Rust type', () => {
    const seen: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
      if (typeof node !== 'object' || node === null) return;
      const n = node as Schema;
      if (n.properties) {
        for (const [key, prop] of Object.entries(n.properties as Schema)) {
          const at = `${where}.${key}`;
          seen.push(at);
          assert.ok(prop.description && prop.markdownDescription, `${at} has no description`);
          const types = [prop.type].flat().filter((t) => t && t !== 'null');
          if (types.length === 1 && ['string', 'boolean', 'integer'].includes(types[0])) {
            assert.ok(prop['x-rust-type'], `${at} has no x-rust-type`);
          }
          if (types[0] === 'integer') {
            const range = { u16: [0, 65535], u32: [0, 4294967295], i32: [-2147483648, 2147483647] }[prop['x-rust-type'] as 'u16'];
            assert.deepEqual([prop.minimum, prop.maximum], range, at);
          }
        }
      }
      for (const [k, v] of Object.entries(n)) if (k !== 'properties') walk(v, `${where}/${k}`);
      if (n.properties) for (const [k, v] of Object.entries(n.properties as Schema)) walk(v, `${where}.${k}`);
    };
    walk(schema, '#');
    assert.ok(seen.length > 60, 'walked the whole schema');
  });

  test('compatibility accepts any string but suggests the two documented values', () => {
    const c = schema.properties.landlock.properties.compatibility;
    assert.deepEqual(c.anyOf[0].enum, ['best_effort', 'hard_requirement']);
    assert.deepEqual(errors('version: 1\nlandlock: { compatibility: HARD_REQUIREMENT }\n'), []);
    assert.deepEqual(paths('version: 1\nlandlock: { compatibility: [x] }\n'), ['/landlock/compatibility']);
  });

  test('include_workdir documents both defaults', () => {
    const d = schema.properties.filesystem_policy.properties.include_workdir.description as string;
    assert.equal(schema.properties.filesystem_policy.properties.include_workdir.default, false);
    assert.match(d, /absent the runtime uses true/);
  });

  test('compiles with the default strict Ajv once the annotation keywords are declared', () => {
    const ajv = new Ajv();
    ajv.addVocabulary(['x-rust-type', 'markdownDescription', 'markdownEnumDescriptions', 'enumDescriptions']);
    assert.doesNotThrow(() => ajv.compile(schema));
  });
});
