// validate_sandbox_policy for the filesystem and process sections: exact texts, accumulated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findings, policy } from '../helpers';
import { truncateForMessage, isValidSandboxIdentity, isValidRulePath, utf8Length } from '../../server/src/core/policy/validate';
import { rng } from '../seeded-random';

function violations(text: string) {
  return findings(text).filter((f) => f.ruleId === 'openshell-validation').map((f) => f.message);
}

test('paths must be absolute, free of `..`, and read_write must not be / (findings in text order)', () => {
  assert.deepEqual(violations(policy('  read_only: [usr/lib, /usr/../etc, /a..b, /]\n  read_write: [/, //, ""]')), [
    "path must be absolute (start with '/'): usr/lib",
    "path contains '..' traversal component: /usr/../etc",
    'read-write path is overly broad: /',
    'read-write path is overly broad: //',
    "path must be absolute (start with '/'): ",
    'read-write path is overly broad: ',
  ]);
});

test('too many paths and too-long paths', () => {
  const many = Array.from({ length: 257 }, (_, i) => `    - /p${i}`).join('\n');
  assert.deepEqual(violations(policy(`  read_only:\n${many}`)), ['too many filesystem paths (257 > 256)']);
  const long = '/' + 'a'.repeat(4096);
  assert.deepEqual(violations(policy(`  read_only: ["${long}"]`)), [`path exceeds maximum length (4097 > 4096): /${'a'.repeat(76)}...`]);
  assert.equal(truncateForMessage('/' + 'é'.repeat(50)), '/' + 'é'.repeat(38) + '...');
  // The limit is in bytes: 1,366 three-byte characters are over it although far fewer characters.
  const cjk = (n: number) => '/' + '\u4e00'.repeat(n);
  assert.deepEqual(violations(policy(`  read_only: ["${cjk(1366)}"]`)).map((m) => m.slice(0, 42)), ['path exceeds maximum length (4099 > 4096):']);
  assert.deepEqual(violations(policy(`  read_only: ["${cjk(1365)}"]`)), []);
});

test('byte lengths are what UTF-8 encoding gives (lone surrogates as U+FFFD), and one rule-path check serves model and fixes', () => {
  const encoder = new TextEncoder();
  const units = ['a', '/', '\u00e9', '\u4e00', '\ud800', '\udbff', '\udc00', '\udfff', '\ud83d\ude00'];
  const random = rng(4096);
  for (let i = 0; i < 20000; i++) {
    let s = '';
    for (let n = Math.floor(random() * 8); n > 0; n--) s += units[Math.floor(random() * units.length)];
    assert.equal(utf8Length(s), encoder.encode(s).length, JSON.stringify(s));
  }
  assert.ok(isValidRulePath('/' + 'a'.repeat(4095)) && !isValidRulePath('/' + 'a'.repeat(4096)));
  assert.ok(isValidRulePath('/' + '\u4e00'.repeat(1365)) && !isValidRulePath('/' + '\u4e00'.repeat(1366)));
  assert.ok(!isValidRulePath('usr') && !isValidRulePath('/usr/../etc') && isValidRulePath('/a..b'));
});

test('process identity: sandbox or a UID/GID in range', () => {
  assert.deepEqual(violations(policy('  read_only: [/usr]', 'process:\n  run_as_user: root\n  run_as_group: "0"\n')), [
    "run_as_user must be 'sandbox' or a numeric UID/GID in range [1, 4294967294], got 'root'",
    "run_as_group must be 'sandbox' or a numeric UID/GID in range [1, 4294967294], got '0'",
  ]);
  assert.deepEqual(violations(policy('  read_only: [/usr]', 'process:\n  run_as_user: 1000\n  run_as_group: ""\n')), []);
  assert.ok(isValidSandboxIdentity('+5') && isValidSandboxIdentity('007') && !isValidSandboxIdentity(' 5') && !isValidSandboxIdentity('4294967295'));
});
