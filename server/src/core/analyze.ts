// The orchestrator: text -> detection -> YAML -> loader view -> schema -> OpenShell validation ->
// policy model -> Landlock ruleset -> findings. Each document of a stream is judged on its own.
import type { Document } from 'yaml';
import type { AnalysisOptions, Finding, Fix, FsView, Span } from './types';
import type { EffectiveRuleset, PolicyModel } from './model';
import { LineIndex } from './text/lines';
import { detect, keysLookLikePolicy } from './detect';
import { buildLoaderView, nodeSpan, parseStream, pointerOf } from './yaml/parse';
import type { LoaderView } from './yaml/parse';
import { complexKeyProblems, validateSchema } from './policy/schema';
import { extractPolicy } from './policy/extract';
import { validateProcessAndFilesystem } from './policy/validate';
import { validateNetwork, validateReservedKeys } from './policy/network';
import { buildRuleset } from './landlock/ruleset';
import { AccessIndex } from './landlock/access';
import { OPENSHELL_ABI } from './landlock/rights';
import { resolverFor, standardImageView } from './fsview/views';
import { byTextOrder, makeFinding, runChecks } from './rules/checks';
import type { Shadowing } from './rules/checks';
import { ruleMeta } from './rules/catalogue';
import { applyRuleLevels } from './rules/levels';
import { FindingWithLazyFixes } from './rules/lazy-fixes';
import { splitFixesFor } from './fixes/split';

/** Files larger than this are not analysed (OpenShell's own limit on a serialised policy is 256 KiB). */
export const MAX_ANALYSED_CHARS = 4 * 1024 * 1024;

export interface ResolvedOptions {
  workdir: string;
  gpu: boolean;
  abi: number;
  view: FsView;
  /** The view is authoritative (a tree listing or a mapped folder), not the standard-image guess. */
  hasListing: boolean;
}

export interface DocumentAnalysis {
  index: number;
  span: Span;
  isPolicy: boolean;
  /** NemoClaw preset fragment (top-level `preset:`): recognised, not analysed as a policy. */
  isPreset: boolean;
  model?: PolicyModel;
  ruleset?: EffectiveRuleset;
  access?: AccessIndex;
  shadowings?: Shadowing[];
  loader?: LoaderView;
  yaml?: Document.Parsed;
}

export interface Analysis {
  text: string;
  lines: LineIndex;
  isPolicy: boolean;
  detection: string;
  /** A modeline, a glob or the caller made it a policy, whatever its keys (an empty file included). */
  forcedPolicy: boolean;
  findings: Finding[];
  documents: DocumentAnalysis[];
  options: ResolvedOptions;
}

/** Paths a shared resolver may hold beyond four per path of the policy before it starts afresh. */
const SHARED_RESOLVER_SLACK = 10_000;

const standardViews = new Map<string, FsView>();

/** One standard-image view per workdir, so that analyses share its resolver (see resolverFor). */
function sharedStandardView(workdir: string): FsView {
  let view = standardViews.get(workdir);
  if (!view) {
    if (standardViews.size >= 16) standardViews.clear(); // workdirs are few; never let them pile up
    standardViews.set(workdir, (view = standardImageView(workdir)));
  }
  return view;
}

export function resolveOptions(options: AnalysisOptions = {}): ResolvedOptions {
  const workdir = options.workdir || '/sandbox';
  const abi = options.abi ?? OPENSHELL_ABI;
  return {
    workdir,
    gpu: !!options.gpu,
    abi: Number.isInteger(abi) && abi >= 1 && abi <= 7 ? abi : OPENSHELL_ABI,
    view: options.view ?? sharedStandardView(workdir),
    hasListing: !!options.view,
  };
}

export function analyze(text: string, options: AnalysisOptions = {}): Analysis {
  const lines = new LineIndex(text);
  const resolved = resolveOptions(options);
  const detection = detect(text, options);
  const base: Analysis = { text, lines, isPolicy: false, detection: detection.reason, forcedPolicy: detection.forced, findings: [], documents: [], options: resolved };
  if (!detection.candidate) return base;
  if (text.length > MAX_ANALYSED_CHARS) {
    base.isPolicy = true;
    base.findings.push(makeFinding('yaml-syntax', { start: 0, end: 0 },
      `Not analysed: the file has ${text.length} characters, more than the ${MAX_ANALYSED_CHARS} this tool analyses (OpenShell rejects serialised policies over 256 KiB).`, { subject: 'too-large' }));
    return base;
  }
  if (text.includes('\u0000')) {
    base.isPolicy = true;
    base.findings.push(makeFinding('yaml-syntax', { start: text.indexOf('\u0000'), end: text.indexOf('\u0000') + 1 }, 'The file contains a NUL character: it is binary, not YAML.', { subject: 'nul' }));
    return base;
  }

  const findings: Finding[] = [];
  const emit = (f: Finding) => findings.push(f);
  // YAML (and libyaml, OpenShell's loader) ends a line at a lone CR too; the `yaml` library does not.
  // Same length, so every offset still points into the original text.
  const stream = parseStream(text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text);
  for (const e of stream.errors) emit(makeFinding('yaml-syntax', e.span, e.message, { subject: e.message }));

  const documents: DocumentAnalysis[] = [];
  const nonEmpty = stream.documents.filter((d) => d.contents !== null || d.errors.length > 0);
  stream.documents.forEach((doc, index) => {
    const span = { start: doc.range[0], end: doc.range[2] };
    const analysis: DocumentAnalysis = { index, span, isPolicy: false, isPreset: false, yaml: doc };
    documents.push(analysis);
    if (doc.contents === null) return;
    if (index > 0 && nonEmpty.length > 1) {
      emit(makeFinding('multiple-documents', { start: span.start, end: Math.min(span.end, lines.offsetAt({ line: lines.positionAt(span.start).line + 1, character: 0 })) },
        'deserializing from YAML containing more than one document is not supported (OpenShell reads exactly one document; each document is analysed here on its own)', { subject: String(index) }));
    }
    if (doc.errors.length > 0) return; // syntax errors are reported; a broken tree would only add noise
    const loader = buildLoaderView(doc);
    analysis.loader = loader;
    const root = loader.value;
    const keys = root && typeof root === 'object' && !Array.isArray(root) ? new Set(Object.keys(root)) : new Set<string>();
    if (keys.has('preset') && !keys.has('version')) {
      analysis.isPreset = true;
      analysis.isPolicy = true;
      const at = loader.origins.get('/preset')?.keySpan ?? nodeSpan(doc.contents);
      emit(makeFinding('preset-fragment', at,
        'This is a NemoClaw preset fragment (top-level `preset:`), not a standalone OpenShell policy: NemoClaw merges its network policies into a policy. OpenShell itself would reject it (missing field `version`, unknown field `preset`).', { yamlPath: ['preset'], subject: 'preset' }));
      return;
    }
    if (!detection.forced && !keysLookLikePolicy(keys)) return;
    analysis.isPolicy = true;
    analyzePolicyDocument(text, lines, analysis, loader, resolved, emit);
  });

  base.isPolicy = documents.some((d) => d.isPolicy) || (stream.errors.length > 0 && documents.every((d) => !d.loader));
  base.documents = documents;
  base.findings = applyRuleLevels(findings, options.ruleLevels).sort(byTextOrder);
  return base;
}

function analyzePolicyDocument(text: string, lines: LineIndex, analysis: DocumentAnalysis, loader: LoaderView, options: ResolvedOptions, emit: (f: Finding) => void): void {
  const rootSpan = analysis.span;
  if (loader.aliasBudgetExceeded) {
    emit(makeFinding('yaml-syntax', rootSpan, 'Too many alias expansions (more than 1000 aliases or 1,000,000 characters of aliased content): the document looks like an alias bomb; aliases beyond the limit were read as null.', { subject: 'alias-bomb' }));
  }
  for (const dup of loader.duplicates) {
    const path = dup.pointer.split('/').slice(1).join('.');
    emit(makeFinding('schema', dup.span, `${path ? path + ': ' : ''}duplicate field \`${dup.key}\``, { related: [{ message: 'first defined here', span: dup.firstSpan }], subject: dup.key }));
  }
  // serde_yml's loader stops at an alias whose anchor is not defined before it, before reading anything.
  for (const span of loader.unknownAliases) emit(makeFinding('schema', span, 'unknown anchor', { subject: `unknown-anchor:${span.start}` }));
  for (const p of [...complexKeyProblems(loader), ...validateSchema(loader, rootSpan)]) emit(makeFinding('schema', p.span, p.message, { yamlPath: p.yamlPath, subject: p.subject }));

  const model = extractPolicy(loader);
  analysis.model = model;
  for (const v of validateProcessAndFilesystem(model)) emit(makeFinding('openshell-validation', v.span, v.message, { yamlPath: v.yamlPath, subject: v.subject }));
  for (const v of [...validateNetwork(loader.value), ...validateReservedKeys(loader.value)]) {
    const origin = loader.origins.get(pointerOf(v.path));
    // A violation about a key (e.g. a reserved policy name) underlines the key, anything else the value.
    const span = origin ? (typeof v.path[v.path.length - 1] === 'string' && origin.keySpan && !origin.scalarText ? origin.keySpan : origin.span) : rootSpan;
    emit(makeFinding('openshell-validation', span, v.message, { yamlPath: v.path, subject: v.message }));
  }

  const resolver = resolverFor(options.view);
  // The shared resolver keeps what earlier versions resolved; past a few times this policy's paths it
  // holds mostly paths typed and gone.
  if (resolver.size > SHARED_RESOLVER_SLACK + 4 * (model.filesystem.readOnly.length + model.filesystem.readWrite.length)) resolver.clear();
  const ruleset = buildRuleset(model, { workdir: options.workdir, gpu: options.gpu, abi: options.abi, resolver });
  const access = new AccessIndex(ruleset, resolver);
  analysis.ruleset = ruleset;
  analysis.access = access;
  const ctx = { text, model, ruleset, index: access, resolver, view: options.view, hasListing: options.hasListing, lines, gpu: options.gpu, emit };
  // The split needs directory listings and builds text edits: only worth it when someone asks for the
  // fixes (a code action, the CLI's output), not on every keystroke's diagnostics.
  let splitFixes: Map<number, Fix[]> | undefined;
  const splitFixesOf = (f: Finding) => (splitFixes ??= splitFixesFor(ctx, analysis.shadowings ?? [])).get(f.span.start) ?? [];
  // Shadowing findings come last, as the checks' other findings are emitted first. Wrapped as they arrive:
  // the check's own finding objects then die young instead of living as long as the analysis (this
  // function's closures share one scope, so a list of them would be kept by splitFixesOf).
  const shadowFindings: FindingWithLazyFixes[] = [];
  analysis.shadowings = runChecks({ ...ctx, emit: (f: Finding) => (f.ruleId === 'shadowed-read-only' ? shadowFindings.push(new FindingWithLazyFixes(f, splitFixesOf)) : emit(f)) });
  for (const f of shadowFindings) emit(f);
  shadowFindings.length = 0;
}



export { ruleMeta };
