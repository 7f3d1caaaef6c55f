// The `landlock-lens` command: the same core as the editor, for CI and terminals.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { analyze, explain, standardImageView } from '../core/index';
import type { Analysis, AnalysisOptions, Explanation, FsView, Severity } from '../core/index';
import { readTreeListing } from '../node/views';
import { mappedFolderView, parseMapping } from '../node/mapped-folder';
import { formatExplanationsText } from './format';
import { runFix } from './fix';
import { CheckUsageError, FileOptionsResolver, OUTPUT_FORMATS, SEVERITY_RANK, printConfigProblems, runCheck } from './check';
import type { CliFlags, OutputFormat } from './check';
import { findRepositoryRoot } from './targets';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_TOOL_FAILURE = 2;

const VERSION = '0.1.0';

const USAGE = `Usage:
  landlock-lens check FILE|DIR|GLOB|-... [--format text|json|sarif|github] [options]
                   directories are searched for *.yaml/*.yml policies; - reads stdin
  landlock-lens explain FILE PATH... [--format text|json] [options]
  landlock-lens fix FILE [--only RULE_ID] [--write] [options]
                   prints the fixed policy (or rewrites FILE with --write); splits
                   read_write directories around shadowed read_only entries
  landlock-lens lsp --stdio

Options:
  --workdir PATH   sandbox workdir added by include_workdir (default /sandbox)
  --gpu            assume a GPU (adds OpenShell's GPU baseline paths)
  --tree LISTING   tree listing made inside the image:
                   find /sandbox \\( -type l -printf 'l %p -> %l\\n' \\) -o -printf '%y %p\\n'
  --map SANDBOX=LOCAL
                   a local folder holding the contents of a sandbox path, e.g.
                   --map /sandbox=. (repeatable; only lstat/readdir/readlink are used;
                   --map /=/ uses this machine's filesystem)
  --abi N          handled Landlock ABI, 1-7 (default 2, what OpenShell pins)
  --no-gpu         no GPU, even if the project configuration says gpu: true
  --format FORMAT  text (default) or json; check also: sarif, github
  --config FILE    use this configuration instead of the nearest .landlock-lens.yaml
  --no-config      ignore project configuration files

Options of check:
  --min-severity LEVEL  error, warning, info or hint (default): lower findings
                        are neither shown nor counted
  --baseline FILE       findings recorded in FILE do not fail the run; entries
                        that no longer match are reported as stale
  --write-baseline FILE record every current finding in FILE (exit 0)
  --fix                 apply safe fixes (access unchanged) in place, then check
  --fix-all, --fix=all  also apply fixes that change access (e.g. splits)
  --stdin-filename NAME name of the file read from - (configuration, reports)
  --output FILE         write the report to FILE instead of standard output

Flags win over the project configuration (.landlock-lens.yaml, found upward
from each policy), which wins over the defaults. See docs/cli.md.

Exit codes (every format, SARIF included): 0 nothing at warning or above; 1 warnings or
errors found; 2 the tool itself failed (unreadable input, configuration problems, bad baseline).`;

export class UsageError extends Error {}

interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Standard input for `check -` (default: fd 0). */
  readStdin?(): string;
  /** Working directory (default: process.cwd()). */
  cwd?: string;
}

const defaultIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

function parseCommon(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string' },
      workdir: { type: 'string' },
      gpu: { type: 'boolean' },
      'no-gpu': { type: 'boolean' },
      tree: { type: 'string' },
      map: { type: 'string', multiple: true },
      abi: { type: 'string' },
      only: { type: 'string' },
      write: { type: 'boolean' },
      stdio: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      config: { type: 'string' },
      'no-config': { type: 'boolean' },
      'min-severity': { type: 'string' },
      baseline: { type: 'string' },
      'write-baseline': { type: 'string' },
      fix: { type: 'boolean' },
      'fix-all': { type: 'boolean' },
      'stdin-filename': { type: 'string' },
      output: { type: 'string' },
    },
  });
  const format = (values.format ?? 'text') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`unknown --format ${format} (${OUTPUT_FORMATS.join(', ')})`);
  if (values.gpu && values['no-gpu']) throw new UsageError('--gpu and --no-gpu contradict each other');
  let abi: number | undefined;
  if (values.abi !== undefined) {
    abi = Number(values.abi);
    if (!/^[1-7]$/.test(values.abi)) throw new UsageError(`--abi must be a number from 1 to 7, got ${values.abi}`);
  }
  const workdir = values.workdir ?? '/sandbox';
  if (!workdir.startsWith('/')) throw new UsageError(`--workdir must be an absolute path, got ${workdir}`);
  const options: AnalysisOptions = { workdir, gpu: !!values.gpu, abi };
  const view = flagView(values);
  options.view = view(workdir);
  // As given (undefined when absent), for flag > project configuration > default.
  const flags: CliFlags = {
    workdir: values.workdir, gpu: values['no-gpu'] ? false : values.gpu ? true : undefined, abi, view,
    configFile: values.config, noConfig: values['no-config'],
  };
  return { values, positionals, format, options, flags };
}

/** The view --tree and --map describe, built for a workdir (once per workdir); undefined without them. */
function flagView(values: { tree?: string; map?: string[] }): (workdir: string) => FsView | undefined {
  const mappings = (values.map ?? []).map((spec) => {
    try {
      return parseMapping(spec);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  });
  const built = new Map<string, FsView | undefined>();
  return (workdir) => {
    if (!built.has(workdir)) {
      let view: FsView | undefined = values.tree ? readTreeListing(values.tree, workdir) : undefined;
      if (mappings.length) view = mappedFolderView(mappings, view ?? standardImageView(workdir));
      built.set(workdir, view);
    }
    return built.get(workdir);
  };
}

/** Analysis options of one file with the project configuration applied; its problems go to stderr. */
function configuredOptions(file: string, flags: CliFlags, io: Io): { options: AnalysisOptions; configFailed: boolean } {
  const cwd = io.cwd ?? process.cwd();
  const resolver = new FileOptionsResolver(flags, cwd, findRepositoryRoot(cwd));
  const { options } = resolver.resolve(path.resolve(cwd, file));
  const reports = resolver.configReportsWithProblems();
  printConfigProblems(reports, io);
  return { options, configFailed: reports.length > 0 };
}

function readPolicy(file: string): string {
  return readFileSync(file, 'utf8');
}

export function analyzeFile(file: string, options: AnalysisOptions): Analysis {
  return analyze(readPolicy(file), { ...options, fileName: path.resolve(file) });
}

export async function run(argv: string[], io: Io = defaultIo): Promise<number> {
  // parseArgs has no optional values: `--fix=all` is spelled `--fix-all` (and `--fix=safe` is `--fix`).
  const [command, ...rest] = argv.map((a) => (a === '--fix=all' ? '--fix-all' : a === '--fix=safe' ? '--fix' : a));
  try {
    switch (command) {
      case 'check': {
        const { positionals, format, values, flags } = parseCommon(rest);
        if (values.help) return help(io);
        if (positionals.length === 0) throw new UsageError('check needs at least one FILE, directory, glob or - (standard input)');
        const minSeverity = (values['min-severity'] ?? 'hint') as Severity;
        if (!(minSeverity in SEVERITY_RANK)) throw new UsageError(`--min-severity must be error, warning, info or hint, got ${minSeverity}`);
        return await runCheck(positionals, {
          format, flags, minSeverity, baseline: values.baseline, writeBaseline: values['write-baseline'],
          fix: values['fix-all'] ? 'all' : values.fix ? 'safe' : undefined,
          stdinFilename: values['stdin-filename'], output: values.output, version: VERSION,
        }, { out: io.out, err: io.err, readStdin: io.readStdin ?? (() => readFileSync(0, 'utf8')), cwd: io.cwd ?? process.cwd() });
      }
      case 'explain': {
        const { positionals, format, values, flags } = parseCommon(rest);
        if (values.help) return help(io);
        if (format !== 'text' && format !== 'json') throw new UsageError(`explain prints text or json, not ${format}`);
        const [file, ...paths] = positionals;
        if (!file || paths.length === 0) throw new UsageError('explain needs a FILE and at least one PATH');
        const { options, configFailed } = configuredOptions(file, flags, io);
        const analysis = analyze(readPolicy(file), options);
        if (!analysis.documents.some((d) => d.ruleset)) {
          throw new Error(`${file} is not an analysable OpenShell policy (${analysis.isPolicy ? 'it has errors that stop the analysis' : analysis.detection})`);
        }
        const explanations: Explanation[] = paths.map((p) => explain(analysis, p));
        if (format === 'json') {
          io.out(JSON.stringify(explanations.map((e) => ({
            path: e.path,
            kind: e.kind,
            access: e.access,
            rights: e.rights,
            grantedBy: e.grantedBy.map((g) => ({ source: g.source, path: g.path, line: g.line })),
          })), null, 2) + '\n');
        } else {
          io.out(formatExplanationsText(explanations));
        }
        return configFailed ? EXIT_TOOL_FAILURE : EXIT_OK;
      }
      case 'fix': {
        const { positionals, values, flags } = parseCommon(rest);
        if (values.help) return help(io);
        if (positionals.length !== 1) throw new UsageError('fix needs exactly one FILE');
        const { options, configFailed } = configuredOptions(positionals[0], flags, io);
        const code = runFix(positionals[0], options, { only: values.only, write: !!values.write }, io);
        return configFailed ? EXIT_TOOL_FAILURE : code;
      }
      case 'lsp': {
        // The language server is its own bundle next to this one; load it only when asked for.
        const serverModule = path.join(__dirname, 'server.js');
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(serverModule);
        return new Promise<number>(() => undefined); // the server owns the process from here on
      }
      case '--version':
      case 'version':
        io.out(VERSION + '\n');
        return EXIT_OK;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        return help(io);
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.err(`landlock-lens: ${message}\n`);
    if (error instanceof UsageError || error instanceof CheckUsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) io.err(`\n${USAGE}\n`);
    return EXIT_TOOL_FAILURE;
  }
}

function help(io: Io): number {
  io.out(USAGE + '\n');
  return EXIT_OK;
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
