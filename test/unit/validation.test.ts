// validate_sandbox_policy for the filesystem and process sections: exact texts, accumulated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findings, policy } from '../helpers';
import { truncateForMessage, isValidSandboxIdentity } from '../../server/src/core/policy/validate';

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
});

test('process identity: sandbox or a UID/GID in range', () => {
  assert.deepEqual(violations(policy('  read_only: [/usr]', 'process:\n  run_as_user: root\n  run_as_group: "0"\n')), [
    "run_as_user must be 'sandbox' or a numeric UID/GID in range [1, 4294967294], got 'root'",
    "run_as_group must be 'sandbox' or a numeric UID/GID in range [1, 4294967294], got '0'",
  ]);
  assert.deepEqual(violations(policy('  read_only: [/usr]', 'process:\n  run_as_user: 1000\n  run_as_group: ""\n')), []);
  assert.ok(isValidSandboxIdentity('+5') && isValidSandboxIdentity('007') && !isValidSandboxIdentity(' 5') && !isValidSandboxIdentity('4294967295'));
});
