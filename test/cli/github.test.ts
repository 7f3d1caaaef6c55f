// `check --format github`: workflow-command annotations, escaped the way the runner unescapes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHADOWED, cli, project } from './helpers';
import { escapeData, escapeProperty } from '../../server/src/cli/github';

/** The runner's unescaping (actions/runner ActionCommand.Unescape), to check the round trip. */
function unescape(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

interface Annotation {
  command: string;
  props: Record<string, string>;
  message: string;
}

function parse(line: string): Annotation {
  const m = /^::(\w+) ([^:]*)::(.*)$/.exec(line);
  assert.ok(m, `not a workflow command: ${line}`);
  const props: Record<string, string> = {};
  for (const kv of m[2].split(',')) {
    const i = kv.indexOf('=');
    props[kv.slice(0, i)] = unescape(kv.slice(i + 1));
  }
  return { command: m[1], props, message: unescape(m[3]) };
}

test('github: one annotation per finding with file, range and the rule id as title', () => {
  const dir = project({ 'policies/p.yaml': SHADOWED });
  const r = cli(['check', '--format', 'github', 'policies/p.yaml'], dir);
  assert.equal(r.code, 1);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 2, r.stdout);
  const [truncate, shadowed] = lines.map(parse);
  assert.equal(truncate.command, 'notice', 'info findings are notices');
  assert.equal(shadowed.command, 'error');
  assert.deepEqual(shadowed.props, { file: 'policies/p.yaml', line: '7', col: '7', endLine: '7', endColumn: '23', title: 'shadowed-read-only' });
  assert.match(lines[1], /^::error file=policies\/p\.yaml,line=7,col=7,endLine=7,endColumn=23,title=shadowed-read-only::/);
  assert.match(shadowed.message, /^read_only `\/sandbox\/SOUL\.md` has no effect/);
  assert.match(shadowed.message, /\nline 4: `\/sandbox` is read_write/, 'the related location follows on its own line');
});

test('github: %, CR, LF escaped in messages; also : and , in properties (file names)', () => {
  const weird = SHADOWED.replace('/sandbox/SOUL.md', '/sandbox/100%,a:b.md');
  const dir = project({ 'a,b:c%.yaml': weird });
  const r = cli(['check', '--format', 'github', 'a,b:c%.yaml'], dir);
  const line = r.stdout.trim().split('\n').find((l) => l.startsWith('::error'))!;
  assert.ok(line.includes('file=a%2Cb%3Ac%25.yaml,'), line);
  const props = line.slice(0, line.indexOf('::', 2));
  assert.equal(props.split(',').length, 6, 'commas in the file name cannot split the properties');
  const message = line.slice(line.indexOf('::', 2) + 2);
  assert.ok(!/[\r\n]/.test(message), 'one line per annotation');
  assert.ok(message.includes('100%25,a:b.md'), 'only % (and CR/LF) are escaped in the message');
  const a = parse(line);
  assert.equal(a.props.file, 'a,b:c%.yaml');
  assert.match(a.message, /read_only `\/sandbox\/100%,a:b\.md` has no effect/);
});

test('github escaping functions follow @actions/core', () => {
  assert.equal(escapeData('50% done\r\nnext'), '50%25 done%0D%0Anext');
  assert.equal(escapeProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A');
  assert.equal(unescape(escapeProperty('x%3A:,')), 'x%3A:,', 'an escaped-looking input survives the round trip');
});
