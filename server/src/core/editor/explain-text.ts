// Human-readable explanations of effective access, as Markdown: shared by hovers, the
// `landlockLens/explain` request and the effective-access tree.
import type { Analysis, DocumentAnalysis } from '../analyze';
import type { LandlockRule } from '../model';
import type { Shadowing } from '../rules/checks';
import type { Explanation, Finding, Grant } from '../types';
import { isAtOrUnder, isStrictlyUnder, parentOf, selfAndAncestors } from '../fsview/paths';
import { TRUNCATE } from '../landlock/rights';
import { ruleMeta } from '../rules/catalogue';
import { code, link } from './markdown';

export interface TextOptions {
  /** The page documenting a rule (the LSP passes a file: URI next to its bundle, or the web page). */
  docUrl?: (ruleId: string) => string;
}

function lineOf(analysis: Analysis, rule: LandlockRule): string {
  return rule.span ? ` (line ${analysis.lines.lineColumn(rule.span.start).line})` : '';
}

export function describeGrant(g: Grant): string {
  const line = g.line !== null ? ` (line ${g.line})` : '';
  const bound = g.boundTo !== g.path && g.boundTo !== '' ? `, bound to ${code(g.boundTo)}` : '';
  switch (g.source) {
    case 'read_write':
      return `read_write ${code(g.path)}${line}${bound}`;
    case 'read_only':
      return `read_only ${code(g.path)}${line}${bound}`;
    case 'workdir':
      return `the workdir ${code(g.path)} (include_workdir: true${g.line !== null ? `, line ${g.line}` : ''})${bound}`;
    case 'baseline':
      return `OpenShell's baseline ${code(g.path)}${line}${bound}`;
  }
}

/** Effective access of one path: access, rights, the grants that give them, notes. */
export function explanationMarkdown(explanation: Explanation, heading?: string): string {
  const out: string[] = [];
  const kind = explanation.kind === 'unknown' ? '' : ` (${explanation.kind})`;
  out.push(heading ?? `${code(explanation.path)}${kind}`);
  out.push('');
  if (explanation.unrestricted) {
    out.push(`Effective access: **read-write**, every right: no Landlock ruleset is applied.`);
  } else {
    out.push(`Effective access: **${explanation.access}**`);
    out.push('');
    out.push(`Rights: ${explanation.rights.length ? explanation.rights.join(', ') : 'none'}`);
    out.push('');
    if (explanation.grantedBy.length) {
      out.push('Granted by:');
      for (const g of explanation.grantedBy) out.push(`- ${describeGrant(g)}: ${g.rights.length ? g.rights.join(', ') : 'no rights on this path'}`);
    } else {
      out.push('Granted by: no rule (nothing in the policy covers this path).');
    }
  }
  if (explanation.notes.length) {
    out.push('');
    // Intraword underscores (read_write) are not emphasis in CommonMark: only escape what would be.
    for (const n of explanation.notes) out.push(`- ${n.replace(/([*[\]<>|])/g, '\\$1')}`);
  }
  return out.join('\n');
}

function describeWinner(analysis: Analysis, document: DocumentAnalysis, w: LandlockRule): string {
  switch (w.source) {
    case 'read_write':
      return `read_write ${code(w.entry?.raw ?? w.path)}${lineOf(analysis, w)}`;
    case 'workdir':
      return `the workdir ${code(w.path)}, added read_write by include_workdir: true${lineOf(analysis, w)}`;
    case 'baseline': {
      const why = (document.model?.networkPolicies.count ?? 0) > 0 ? `network_policies is non-empty${lineOf(analysis, w)}` : 'a GPU is assumed (setting landlockLens.gpu)';
      return `OpenShell's baseline ${code(w.path)}, added read_write because ${why}`;
    }
    default:
      return code(w.path);
  }
}

/** Why a read_only entry is shadowed and what to do about it, with the costs of the split. */
export function shadowAdviceMarkdown(analysis: Analysis, document: DocumentAnalysis, s: Shadowing, concreteSplit?: string): string {
  const ruleset = document.ruleset!;
  const target = s.rule.boundTo ?? s.rule.path;
  const winner = s.winners[0];
  const out: string[] = [];
  const scope = winner.boundTo === target ? 'this very path' : `everything under ${code(winner.boundTo ?? winner.path)}`;
  out.push(`**Why:** write access to ${scope} is granted by ${describeWinner(analysis, document, winner)}. Landlock rules only add up: a read_only rule can never take away what a rule at or above it grants.`);
  const others = s.winners.slice(1).filter((w) => w.source !== winner.source || w.path !== winner.path);
  if (others.length) out.push(`Also writable through: ${others.map((w) => describeWinner(analysis, document, w)).join('; ')}.`);
  out.push('');
  out.push('**What to do:**');
  const splitRoot = s.winners.find((w) => w.boundTo !== null && isStrictlyUnder(target, w.boundTo) && w.source !== 'baseline');
  if (winner.boundTo === target) {
    out.push(`- ${describeWinner(analysis, document, winner)} names the same path. Remove it from read_write if the path must be read-only, or drop this read_only entry if writing is intended.`);
  }
  if (s.winners.some((w) => w.source === 'workdir') || (s.workdirCovers && ruleset.includeWorkdir)) {
    out.push(`- Set ${code('include_workdir: false')}: otherwise OpenShell adds the workdir ${code(ruleset.workdir)} read_write again${document.model?.filesystem.includeWorkdir ? '' : ' (when the key is absent it is false in a present filesystem_policy, true when filesystem_policy is absent)'}.`);
  }
  if (s.winners.some((w) => w.source === 'baseline')) {
    const base = s.winners.filter((w) => w.source === 'baseline').map((w) => code(w.path)).join(', ');
    out.push(`- ${base} is added read_write by OpenShell itself (baseline enrichment); the policy cannot take it away. Keep the file outside it.`);
  }
  if (concreteSplit) {
    // The split engine has a plan for this entry: show exactly what the quick fix does and costs.
    out.push('');
    out.push(concreteSplit);
  } else if (splitRoot?.boundTo) {
    const root = splitRoot.boundTo;
    const chain = selfAndAncestors(parentOf(target)).filter((d) => isAtOrUnder(d, root));
    out.push(`- Split ${code(splitRoot.entry?.raw ?? root)}: make it read_only and list every other entry along the way down to ${code(s.entry.raw)} read_write, keeping this entry read_only. The split quick fix writes this when a tree listing (${code('landlockLens.treeListing')}) or ${code('landlockLens.sandboxFolders')} says which entries exist.`);
    out.push('');
    out.push('  What the split costs:');
    out.push(`  - no new files or directories directly in ${chain.map(code).join(', ')};`);
    out.push('  - sibling files there stay writable but cannot be deleted, renamed or atomically replaced (write-to-temp-then-rename fails);');
    out.push('  - entries created at those levels later are read-only until the sandbox restarts.');
    out.push('');
    out.push('  What it does not fix:');
    if (!(ruleset.handled & TRUNCATE)) {
      out.push(`  - truncation: under ABI ${ruleset.abi} the ruleset has no truncate right, so ${code('truncate(2)')} and ${code('open(O_TRUNC)')} can still empty the file when file permissions let the sandbox user write it (handle ABI 3 or later);`);
    }
    out.push('  - hard links to it that already exist in a writable directory keep its content writable.');
  }
  return out.join('\n');
}

/** Findings on a span, each with its rule and a link to the rule's page. */
export function findingsMarkdown(findings: Finding[], options: TextOptions): string {
  return findings
    .map((f) => {
      const title = ruleMeta(f.ruleId).title;
      const doc = options.docUrl ? ` ${link(f.ruleId, options.docUrl(f.ruleId))}` : ` ${code(f.ruleId)}`;
      return `- **${f.severity}**${doc}: ${title}`;
    })
    .join('\n');
}
