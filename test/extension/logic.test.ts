// The extension's vscode-free decisions: the path offered in "Explain Access for Path…", what the
// language status item says, and the messages a user gets when a file is not a policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeStatus, notPolicyMessage, pathAtCursor, resultTitle, validatePathInput } from '../../client/src/logic';
import type { PolicyStatus } from '../../client/src/protocol';

/** The column of the first occurrence of `needle` in `line`, plus `offset`. */
function col(line: string, needle: string, offset = 0): number {
  const i = line.indexOf(needle);
  assert.ok(i >= 0, `${needle} not in ${line}`);
  return i + offset;
}

test('pathAtCursor: block list item, anywhere on the path including just after it', () => {
  const line = '    - /sandbox/.openclaw/workspace/SOUL.md';
  assert.equal(pathAtCursor(line, col(line, '/sandbox')), '/sandbox/.openclaw/workspace/SOUL.md');
  assert.equal(pathAtCursor(line, col(line, 'SOUL', 2)), '/sandbox/.openclaw/workspace/SOUL.md');
  assert.equal(pathAtCursor(line, line.length), '/sandbox/.openclaw/workspace/SOUL.md');
});

test('pathAtCursor: not on a path gives nothing (the input box starts empty)', () => {
  const line = '  read_write:';
  assert.equal(pathAtCursor(line, col(line, 'read')), undefined);
  const item = '    - /tmp';
  assert.equal(pathAtCursor(item, 2), undefined, 'in the indentation');
  assert.equal(pathAtCursor('  compatibility: best_effort', 20), undefined, 'a scalar that is not a path');
});

test('pathAtCursor: trailing comments and spaces are not part of the path', () => {
  const line = '    - /usr/lib   # system libraries';
  assert.equal(pathAtCursor(line, col(line, 'lib')), '/usr/lib');
  assert.equal(pathAtCursor(line, col(line, 'system')), undefined, 'in the comment');
});

test('pathAtCursor: a path containing spaces and a # that does not start a comment', () => {
  const line = '    - /sandbox/My Documents/c#';
  assert.equal(pathAtCursor(line, col(line, 'Documents')), '/sandbox/My Documents/c#');
});

test('pathAtCursor: quoted paths are unquoted', () => {
  const double = '    - "/sandbox/with space/x.txt"';
  assert.equal(pathAtCursor(double, col(double, 'space')), '/sandbox/with space/x.txt');
  const single = "    - '/sandbox/it''s'";
  assert.equal(pathAtCursor(single, col(single, 'it')), "/sandbox/it's");
  const escaped = '    - "/sandbox/a\\"b"';
  assert.equal(pathAtCursor(escaped, col(escaped, 'a')), '/sandbox/a"b');
});

test('pathAtCursor: each path of a flow list is separate', () => {
  const line = '  read_write: [/sandbox, "/tmp", /dev/null]';
  assert.equal(pathAtCursor(line, col(line, 'sandbox')), '/sandbox');
  assert.equal(pathAtCursor(line, col(line, 'tmp')), '/tmp');
  assert.equal(pathAtCursor(line, col(line, 'null')), '/dev/null');
  assert.equal(pathAtCursor(line, col(line, 'read_write')), undefined);
});

test('pathAtCursor: a path as a mapping value', () => {
  const line = 'workdir: /sandbox/app';
  assert.equal(pathAtCursor(line, col(line, 'app')), '/sandbox/app');
});

test('validatePathInput accepts absolute paths only', () => {
  assert.equal(validatePathInput('/sandbox/x'), undefined);
  assert.equal(validatePathInput('  /sandbox/x  '), undefined);
  assert.match(validatePathInput('sandbox/x') ?? '', /start with "\/"/);
  assert.match(validatePathInput('   ') ?? '', /absolute path/);
});

const policy: PolicyStatus = {
  uri: 'file:///w/sandbox-policy.yaml',
  isPolicy: true,
  detection: 'has a filesystem_policy key.',
  errors: 1,
  warnings: 2,
};

test('describeStatus: a policy shows why it was detected and its problem counts', () => {
  const view = describeStatus(policy);
  assert.equal(view.text, 'OpenShell policy');
  assert.equal(view.detail, 'has a filesystem_policy key; 1 error, 2 warnings');
  assert.equal(view.isPolicy, true);
  assert.equal(view.busy, false);
  assert.equal(describeStatus({ ...policy, errors: 0, warnings: 0 }).detail, 'has a filesystem_policy key; no errors or warnings');
  assert.equal(describeStatus({ ...policy, errors: 3, warnings: 0 }).detail, 'has a filesystem_policy key; 3 errors');
});

test('describeStatus: a plain YAML file says it is not a policy and how to force it', () => {
  const view = describeStatus({ ...policy, isPolicy: false, detection: 'no OpenShell policy keys' });
  assert.equal(view.text, 'Not an OpenShell policy');
  assert.match(view.detail, /^no OpenShell policy keys\. .*landlockLens\.policyFiles/);
  assert.equal(view.isPolicy, false);
});

test('describeStatus: before the first analysis the item is busy', () => {
  const view = describeStatus(undefined);
  assert.equal(view.busy, true);
  assert.equal(view.isPolicy, false);
});

test('notPolicyMessage names the file, the reason and the setting', () => {
  const message = notPolicyMessage('ci.yaml', { ...policy, isPolicy: false, detection: 'no OpenShell policy keys.' });
  assert.equal(message, 'ci.yaml is not analysed as an OpenShell policy (no OpenShell policy keys). ' +
    'To analyse it anyway, add a glob that matches it to the "landlockLens.policyFiles" setting.');
  assert.match(notPolicyMessage('x.yaml', undefined), /^x\.yaml is not analysed as an OpenShell policy\. /);
});

test('resultTitle uses the last path component (tab labels cannot show slashes)', () => {
  assert.equal(resultTitle('explain', '/sandbox/.openclaw/workspace/SOUL.md'), 'Access of SOUL.md');
  assert.equal(resultTitle('explain', '/sandbox/'), 'Access of sandbox');
  assert.equal(resultTitle('explain', '/'), 'Access of /');
  assert.equal(resultTitle('effectiveAccess', 'policy.yaml'), 'Effective access of policy.yaml');
});
