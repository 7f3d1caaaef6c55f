// Hover texts: the effective access of a path entry (and, for a shadowed read_only entry, why and
// what to do), the meaning of include_workdir and landlock.compatibility in this policy, and the
// schema's description of any key or enum value. Markdown; the LSP turns it into plain text for
// clients that want that.
import type { Analysis, DocumentAnalysis } from '../analyze';
import type { Span } from '../types';
import { effectiveIncludeWorkdir } from '../landlock/ruleset';
import { isAtOrUnder } from '../fsview/paths';
import { entryAt } from './entries';
import type { EntryAccess } from './entries';
import { explanationMarkdown, findingsMarkdown, shadowAdviceMarkdown } from './explain-text';
import { describeSplit } from '../fixes/split';
import type { TextOptions } from './explain-text';
import { locate } from './locate';
import { code, link, plural } from './markdown';
import { descriptionOf, enumValuesOf, schemaAt } from './schema-nav';

export interface HoverResult {
  markdown: string;
  span: Span;
}

export function hoverAt(analysis: Analysis, offset: number, options: TextOptions = {}): HoverResult | undefined {
  if (!analysis.isPolicy) return undefined;
  const entry = entryAt(analysis, offset);
  if (entry) return { markdown: entryHover(analysis, entry, options), span: entry.entry.span };
  const at = locate(analysis, offset);
  if (!at || !at.document.isPolicy) return undefined;
  const path = at.path;
  const key = path.length ? path[path.length - 1] : undefined;
  if (path.length === 2 && path[0] === 'filesystem_policy' && key === 'include_workdir') {
    return { markdown: includeWorkdirHover(at.document, options), span: at.span };
  }
  if (path.length === 2 && path[0] === 'landlock' && key === 'compatibility') {
    return { markdown: compatibilityHover(at.document, options), span: at.span };
  }
  const schema = schemaAt(path);
  if (at.on === 'key') {
    const description = descriptionOf(schema, true);
    if (!description) return undefined;
    return { markdown: `${code(String(key))}\n\n${description}`, span: at.span };
  }
  // A scalar value with a documented enum value (protocol: rest, tls: terminate, ...).
  const value = enumValuesOf(schema).find((v) => v.value === at.scalar);
  const text = value?.markdownDescription ?? value?.description;
  if (value && text) return { markdown: `${code(`${String(key)}: ${value.value}`)}\n\n${text}`, span: at.span };
  return undefined;
}

function entryHover(analysis: Analysis, e: EntryAccess, options: TextOptions): string {
  const { entry } = e;
  const out: string[] = [];
  if (!e.explanation || !e.rule) {
    out.push(`${entry.list} ${code(entry.raw)}`);
    out.push('');
    out.push('This path never reaches Landlock: OpenShell rejects the policy because of it (see the diagnostic).');
  } else {
    const status = e.shadowing ? ' (shadowed: this read_only entry has no effect)' : e.missing ? ' (the path does not exist, so Landlock skips this rule)' : '';
    out.push(explanationMarkdown(e.explanation, `${entry.list} ${code(entry.raw)}${status}`));
    if (e.shadowing) {
      out.push('');
      out.push('---');
      const finding = analysis.findings.find((f) => f.ruleId === 'shadowed-read-only' && f.span.start === entry.span.start);
      out.push(shadowAdviceMarkdown(analysis, e.document, e.shadowing, finding ? describeSplit(analysis, finding) : undefined));
    }
  }
  const findings = analysis.findings.filter((f) => f.span.start === entry.span.start && f.span.end === entry.span.end);
  if (findings.length) {
    out.push('');
    out.push('---');
    out.push(findingsMarkdown(findings, options));
  }
  return out.join('\n');
}

function includeWorkdirHover(document: DocumentAnalysis, options: TextOptions): string {
  const model = document.model;
  const ruleset = document.ruleset;
  const out: string[] = [];
  const explicit = model?.filesystem.includeWorkdir?.value;
  const effective = model ? effectiveIncludeWorkdir(model) : explicit ?? false;
  const workdir = ruleset?.workdir ?? '/sandbox';
  out.push(`${code('include_workdir')}: ${code(String(effective))}${explicit === undefined ? ' (not set here)' : ''}`);
  out.push('');
  out.push(`When true, OpenShell adds the sandbox workdir (here ${code(workdir)}, setting ${code('landlockLens.workdir')}) to read_write as it builds the Landlock ruleset: everything under it is read-write, with every right, whatever read_only says.`);
  out.push('');
  out.push(`When the key is absent it is ${code('false')} in a present ${code('filesystem_policy')}, but ${code('true')} when ${code('filesystem_policy')} itself is absent or empty (OpenShell then uses its default filesystem policy).`);
  if (effective && ruleset) {
    const covered = (model?.filesystem.readOnly ?? []).filter((e) => isAtOrUnder(e.normalized, workdir));
    out.push('');
    out.push(ruleset.workdirAdded
      ? `Here it adds ${code(workdir)} read_write.`
      : `Here ${code(workdir)} is already listed in read_write, so nothing more is added.`);
    if (covered.length) {
      out.push(`It makes ${plural(covered.length, 'read_only entry', 'read_only entries')} writable: ${covered.slice(0, 5).map((e) => code(e.raw)).join(', ')}${covered.length > 5 ? ', …' : ''}.`);
    }
  }
  if (options.docUrl) {
    out.push('');
    out.push(`See ${link('shadowed-read-only', options.docUrl('shadowed-read-only'))} and ${link('absent-filesystem-policy', options.docUrl('absent-filesystem-policy'))}.`);
  }
  return out.join('\n');
}

function compatibilityHover(document: DocumentAnalysis, options: TextOptions): string {
  const value = document.model?.landlock.compatibility?.value;
  const mode = value === 'hard_requirement' ? 'hard_requirement' : 'best_effort';
  const out: string[] = [];
  out.push(`${code('landlock.compatibility')}${value !== undefined ? `: ${code(value)} → **${mode}**` : ''}`);
  out.push('');
  out.push(`Only the exact, case-sensitive string ${code('hard_requirement')} selects hard_requirement: the sandbox refuses to start when Landlock is unavailable or a path cannot be opened.`);
  out.push('');
  out.push(`Anything else (${code('best_effort')}, an empty value, ${code('hard-requirement')}, ${code('HARD_REQUIREMENT')}, …) means best_effort: what the kernel cannot enforce is skipped, and the sandbox may run without filesystem restrictions.`);
  if (value !== undefined && value !== 'best_effort' && value !== 'hard_requirement' && options.docUrl) {
    out.push('');
    out.push(`See ${link('unknown-compatibility', options.docUrl('unknown-compatibility'))}.`);
  }
  return out.join('\n');
}
