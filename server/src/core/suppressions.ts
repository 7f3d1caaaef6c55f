// Inline suppressions: `# landlock-lens: ignore[rule-id, other-id] reason`, as a trailing comment on the
// line where a finding starts or alone on the line just above it. A reason is required, and
// suppressions that suppress nothing or cannot be read are reported themselves, so that a misplaced or
// stale comment cannot silently hide (or fail to hide) a finding. Pure: used by the CLI and the server.
import { Lexer } from 'yaml';
import type { Finding, Severity, Span } from './types';
import type { LineIndex } from './text/lines';
import { RULES } from './rules/catalogue';
import { applyRuleLevels } from './rules/levels';
import { makeFinding, type FindingExtras } from './rules/checks';

export interface Suppression {
  /** Known rule ids the comment suppresses (unknown ids are reported and left out). */
  ruleIds: string[];
  /** The required justification (SARIF `justification`). */
  reason: string;
  /** The whole comment, from `#` to the end of the line. */
  span: Span;
  /** Span of each rule id inside the comment, for precise `unused-suppression` reports. */
  idSpans: Map<string, Span>;
  /** 0-based line whose findings it suppresses. */
  targetLine: number;
  /** The comment is alone on its line (it applies to the next line). */
  ownLine: boolean;
}

export interface SuppressedFinding {
  finding: Finding;
  suppression: Suppression;
}

export interface SuppressionResult {
  /** Findings left after suppression. */
  findings: Finding[];
  /** Findings a suppression hid, with the suppression (SARIF lists them with `suppressions`). */
  suppressed: SuppressedFinding[];
  /** `unused-suppression` and `invalid-suppression` findings (not suppressible themselves). */
  problems: Finding[];
}

export interface SuppressionOptions {
  /** Per-rule levels from the project configuration; they apply to the problems reported here too. */
  ruleLevels?: Record<string, Severity | 'off'>;
}

/** The parts of an Analysis this module needs (an Analysis can be passed as is). */
export interface SuppressionInput {
  text: string;
  lines: LineIndex;
  findings: Finding[];
  /** When false (the file is not a policy), comments are not checked at all. */
  isPolicy?: boolean;
}

const DIRECTIVE = /^#[ \t]*landlock-lens[ \t]*:[ \t]*/;
/** Directives read elsewhere (detect.ts): not suppressions, never reported here. */
const MODELINES = new Set(['ignore-file', 'policy']);
const KNOWN_IDS = new Set(RULES.map((r) => r.id));
/** Tokens of yaml's lexer that mark structure and are not part of the source text. */
const MARKERS = new Set(['\x02', '\x18', '\x1f']);

interface Comment {
  start: number;
  text: string;
}

/** Every YAML comment with its offset. The lexer knows quoted strings and block scalars, where `#` is text. */
function comments(text: string): Comment[] {
  const out: Comment[] = [];
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token.length === 1 && MARKERS.has(token)) continue;
    if (token.startsWith('#')) out.push({ start: offset, text: token });
    offset += token.length;
  }
  return out;
}

function problem(ruleId: 'invalid-suppression' | 'unused-suppression', span: Span, message: string, subject: string, extra: FindingExtras = {}): Finding {
  return makeFinding(ruleId, span, message, { ...extra, subject });
}

/** Reads every `# landlock-lens:` comment: the valid suppressions, and `invalid-suppression` problems. */
export function parseSuppressions(text: string, lines: LineIndex): { suppressions: Suppression[]; problems: Finding[] } {
  const suppressions: Suppression[] = [];
  const problems: Finding[] = [];
  if (!text.includes('landlock-lens')) return { suppressions, problems }; // the common case costs one scan
  const all = comments(text).filter((c) => DIRECTIVE.test(c.text));
  const ownLineOf = new Set<number>();
  for (const c of all) {
    const pos = lines.positionAt(c.start);
    if (/^[ \t]*$/.test(text.slice(lines.lineStart(pos.line), c.start))) ownLineOf.add(pos.line);
  }
  for (const c of all) {
    const span = { start: c.start, end: c.start + c.text.length };
    const head = DIRECTIVE.exec(c.text)![0];
    const body = c.text.slice(head.length);
    const bodyStart = c.start + head.length;
    const word = /^[A-Za-z-]*/.exec(body)![0];
    if (MODELINES.has(word) && !/^[[\w]/.test(body.slice(word.length))) continue;
    if (word !== 'ignore') {
      problems.push(problem('invalid-suppression', span,
        `Unknown landlock-lens directive \`${word || body.trim()}\`: a suppression reads \`# landlock-lens: ignore[rule-id] reason\` (other directives: \`ignore-file\`, \`policy\`). This comment suppresses nothing.`, 'directive'));
      continue;
    }
    const afterWord = body.slice(word.length);
    const bracket = /^[ \t]*\[([^\]]*)\]/.exec(afterWord);
    if (!bracket) {
      problems.push(problem('invalid-suppression', span,
        'Malformed suppression: name the rules in brackets, `# landlock-lens: ignore[rule-id] reason`. This comment suppresses nothing.', 'syntax'));
      continue;
    }
    const listStart = bodyStart + word.length + bracket[0].indexOf('[') + 1;
    const ruleIds: string[] = [];
    const idSpans = new Map<string, Span>();
    let bad = false;
    let cursor = 0;
    for (const raw of bracket[1].split(',')) {
      const id = raw.trim();
      const at = listStart + cursor + raw.indexOf(id);
      cursor += raw.length + 1;
      const idSpan = { start: at, end: at + id.length };
      if (id === '') {
        bad = true;
        problems.push(problem('invalid-suppression', span, 'Malformed suppression: empty rule id in `ignore[...]`. This comment suppresses nothing.', 'syntax'));
      } else if (!KNOWN_IDS.has(id)) {
        problems.push(problem('invalid-suppression', idSpan, `Unknown rule id \`${id}\` in suppression: it suppresses nothing (rule ids are listed in docs/rules/).`, id));
      } else if (!ruleIds.includes(id)) {
        ruleIds.push(id);
        idSpans.set(id, idSpan);
      }
    }
    if (bad) continue;
    // The reason: what follows `]`, without a leading separator such as `:` or `--`.
    const reason = afterWord.slice(bracket[0].length).replace(/^[ \t]*(?:[:\u2014\u2013]|-+)?[ \t]*/, '').trim();
    if (!reason) {
      problems.push(problem('invalid-suppression', span,
        'Suppression without a reason: write why the finding is acceptable after the brackets, e.g. `# landlock-lens: ignore[shadowed-read-only] regenerated at start-up`. This comment suppresses nothing.', 'reason'));
      continue;
    }
    if (ruleIds.length === 0) continue;
    const line = lines.positionAt(c.start).line;
    const ownLine = ownLineOf.has(line);
    // A comment alone on its line applies to the next line; stacked suppression comments share it.
    let targetLine = line;
    if (ownLine) {
      targetLine = line + 1;
      while (ownLineOf.has(targetLine)) targetLine++;
    }
    suppressions.push({ ruleIds, reason, span, idSpans, targetLine, ownLine });
  }
  return { suppressions, problems };
}

/** Edits that delete a suppression comment (its whole line when it is alone on it). */
function removalEdits(text: string, lines: LineIndex, s: Suppression) {
  if (s.ownLine) {
    const line = lines.positionAt(s.span.start).line;
    const start = lines.lineStart(line);
    const end = line + 1 < lines.lineCount ? lines.lineStart(line + 1) : s.span.end;
    return [{ start, end, newText: '' }];
  }
  let start = s.span.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  return [{ start, end: s.span.end, newText: '' }];
}


/**
 * Applies the suppression comments of `analysis.text` to its findings. A finding is suppressed when a
 * valid suppression names its rule and targets the line where the finding starts.
 */
export function applySuppressions(analysis: SuppressionInput, options: SuppressionOptions = {}): SuppressionResult {
  if (analysis.isPolicy === false) return { findings: analysis.findings, suppressed: [], problems: [] };
  const { suppressions, problems } = parseSuppressions(analysis.text, analysis.lines);
  if (suppressions.length === 0) return { findings: analysis.findings, suppressed: [], problems: applyRuleLevels(problems, options.ruleLevels) };
  const byLine = new Map<number, Suppression[]>();
  for (const s of suppressions) {
    const list = byLine.get(s.targetLine) ?? [];
    list.push(s);
    byLine.set(s.targetLine, list);
  }
  const used = new Map<Suppression, Set<string>>();
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of analysis.findings) {
    const line = analysis.lines.positionAt(f.span.start).line;
    const s = byLine.get(line)?.find((x) => x.ruleIds.includes(f.ruleId));
    if (!s) {
      findings.push(f);
      continue;
    }
    suppressed.push({ finding: f, suppression: s });
    const ids = used.get(s) ?? new Set<string>();
    ids.add(f.ruleId);
    used.set(s, ids);
  }
  for (const s of suppressions) {
    const ids = used.get(s);
    const unused = s.ruleIds.filter((id) => !ids?.has(id));
    if (unused.length === 0) continue;
    const where = s.ownLine ? `line ${s.targetLine + 1} (the line below the comment)` : 'this line';
    const fixes = unused.length === s.ruleIds.length
      ? [{ title: 'Remove the unused suppression', safe: true, preferred: true, edits: removalEdits(analysis.text, analysis.lines, s) }]
      : [];
    for (const id of unused) {
      problems.push(problem('unused-suppression', s.idSpans.get(id) ?? s.span,
        `Unused suppression: \`${id}\` reports nothing on ${where}. Remove the id, or move the comment to the line where the finding starts.`, id, { fixes, unnecessary: true }));
    }
  }
  problems.sort((a, b) => a.span.start - b.span.start);
  return { findings, suppressed, problems: applyRuleLevels(problems, options.ruleLevels) };
}
