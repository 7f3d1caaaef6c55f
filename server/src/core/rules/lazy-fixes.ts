// Findings whose fixes are partly planned on first read. The split of a shadowed entry lists
// directories and builds text edits: worth it when someone asks for fixes (a code action, the CLI),
// not for the diagnostics of every keystroke.
import type { Finding, Fix, RelatedLocation, Severity, Span } from '../types';

/**
 * A finding like any other, except that `fixes` is an accessor on the class: on first read it adds
 * the fixes `more(finding)` plans to the finding's own (one function serves every finding). Defining
 * that accessor on each finding object instead turned every one into a dictionary-mode object: three
 * times the memory, slower to read.
 */
export class FindingWithLazyFixes implements Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  span: Span;
  related: RelatedLocation[];
  yamlPath: (string | number)[];
  subject: string;
  declare unnecessary?: boolean;
  readonly #own: Fix[];
  readonly #more: (finding: Finding) => Fix[];
  #resolved: Fix[] | undefined;

  constructor(finding: Finding, more: (finding: Finding) => Fix[]) {
    this.ruleId = finding.ruleId;
    this.severity = finding.severity;
    this.message = finding.message;
    this.span = finding.span;
    this.related = finding.related;
    this.yamlPath = finding.yamlPath;
    this.subject = finding.subject;
    if (finding.unnecessary !== undefined) this.unnecessary = finding.unnecessary;
    this.#own = finding.fixes;
    this.#more = more;
  }

  get fixes(): Fix[] {
    return (this.#resolved ??= [...this.#own, ...this.#more(this)]);
  }

  set fixes(fixes: Fix[]) {
    this.#resolved = fixes;
  }

  /** The same finding at another severity, its fixes still planned on first read (and once). */
  withSeverity(severity: Severity): FindingWithLazyFixes {
    const copy = new FindingWithLazyFixes(this.#ownFinding(), () => this.fixes.slice(this.#own.length));
    copy.severity = severity;
    return copy;
  }

  #ownFinding(): Finding {
    const f: Finding = { ruleId: this.ruleId, severity: this.severity, message: this.message, span: this.span, related: this.related, fixes: this.#own, yamlPath: this.yamlPath, subject: this.subject };
    if (this.unnecessary !== undefined) f.unnecessary = this.unnecessary;
    return f;
  }
}

/** A finding at another severity; lazily planned fixes stay lazy. */
export function withSeverity(finding: Finding, severity: Severity): Finding {
  return finding instanceof FindingWithLazyFixes ? finding.withSeverity(severity) : { ...finding, severity };
}
