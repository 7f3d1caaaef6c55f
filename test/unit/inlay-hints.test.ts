// The inlay hint after each path (core/editor/outline.ts inlayHints): what the kernel will allow there,
// at a glance. The LSP test covers the common labels on #698; these are the ones a tree listing brings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, parseTreeListing } from '../../server/src/core/index';
import { inlayHints } from '../../server/src/core/editor/outline';

function labels(text: string, listing: string): Record<string, string> {
  const analysis = analyze(text, { view: parseTreeListing(listing) });
  const out: Record<string, string> = {};
  for (const hint of inlayHints(analysis)) out[text.slice(0, hint.offset).split('\n').at(-1)!.trim().replace(/^- /, '')] = `${hint.label} | ${hint.tooltip}`;
  return out;
}

test('a path the tree listing does not have is marked missing (Landlock skips it)', () => {
  const text = 'version: 1\nfilesystem_policy:\n  include_workdir: false\n  read_only:\n    - /usr\n    - /opt/absent\n  read_write:\n    - /tmp\n';
  const got = labels(text, 'd /usr\nd /tmp\nd /opt\n');
  assert.match(got['/usr'], /^ro \| Effective access: read-only/);
  assert.match(got['/tmp'], /^rw \| Effective access: read-write/);
  assert.match(got['/opt/absent'], /^missing \| /);
});

test('when no Landlock ruleset is applied at all, every path says so', () => {
  // best_effort with every path missing (the listing has /data, not what is in it): OpenShell refuses an
  // empty ruleset and runs without Landlock.
  const text = 'version: 1\nfilesystem_policy:\n  include_workdir: false\n  read_only:\n    - /data/a\n  read_write:\n    - /data/b\nlandlock:\n  compatibility: best_effort\n';
  const analysis = analyze(text, { view: parseTreeListing('d /data\n') });
  assert.ok(analysis.findings.some((f) => f.ruleId === 'all-paths-missing'), 'the policy ends up without Landlock');
  const got = labels(text, 'd /data\n');
  assert.deepEqual(Object.keys(got).sort(), ['/data/a', '/data/b']);
  for (const label of Object.values(got)) assert.match(label, /^rw \(no Landlock\) \| Effective access: read-write \(no Landlock ruleset\)/);
});
