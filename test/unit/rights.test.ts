import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_RIGHTS, REFER, TRUNCATE, IOCTL_DEV, handledForAbi, rightNames, unhandledRights, accessLevel, READ_ACCESS, WRITE_FILE } from '../../server/src/core/landlock/rights';

test('handled rights per ABI follow the landlock crate (from_all)', () => {
  assert.equal(rightNames(handledForAbi(1)).length, 13);
  assert.ok(!(handledForAbi(1) & REFER));
  assert.equal(rightNames(handledForAbi(2)).length, 14, 'OpenShell pins ABI 2: 14 rights');
  assert.ok(handledForAbi(2) & REFER);
  assert.ok(!(handledForAbi(2) & TRUNCATE));
  assert.ok(handledForAbi(3) & TRUNCATE);
  assert.equal(handledForAbi(4), handledForAbi(3), 'ABI 4 adds network rights only');
  assert.ok(handledForAbi(5) & IOCTL_DEV);
  assert.equal(handledForAbi(7), ALL_RIGHTS);
});

test('rights a ruleset does not handle are always allowed; refer is never one of them', () => {
  assert.deepEqual(rightNames(unhandledRights(handledForAbi(2))), ['truncate', 'ioctl_dev']);
  assert.deepEqual(rightNames(unhandledRights(handledForAbi(1))), ['truncate', 'ioctl_dev']);
  assert.deepEqual(rightNames(unhandledRights(handledForAbi(3))), ['ioctl_dev']);
  assert.deepEqual(rightNames(unhandledRights(handledForAbi(5))), []);
});

test('access level: write-type rights make read-write, truncate alone does not', () => {
  assert.equal(accessLevel(READ_ACCESS | TRUNCATE | IOCTL_DEV), 'read-only');
  assert.equal(accessLevel(READ_ACCESS | WRITE_FILE), 'read-write');
  assert.equal(accessLevel(TRUNCATE), 'none');
  assert.equal(accessLevel(REFER), 'read-write');
});
