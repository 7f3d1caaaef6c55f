// The `landlock-lens` command: the same core as the editor, for CI and terminals.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { analyze, explain } from '../core/index';
import type { Analysis, AnalysisOptions, Explanation } from '../core/index';
import { readTreeListing } from '../node/views';
import { formatExplanationsText, formatFindingsText, toJsonFile } from './format';
import type { FileResult } from './format';
import { runFix } from './fix';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_TOOL_FAILURE = 2;

const VERSION = '0.1.0';

const USAGE = `Usage:
  landlock-lens check FILE... [--format text|json] [options]
  landlock-lens explain FILE PATH... [--format text|json] [options]
  landlock-lens fix FILE [--only RULE_ID] [--write] [options]
  landlock-lens lsp --stdio

Options:
  --workdir PATH   sandbox workdir added by include_workdir (default /sandbox)
  --gpu            assume a GPU (adds OpenShell's GPU baseline paths)
  --tree LISTING   tree listing made inside the image:
                   find /sandbox \\( -type l -printf 'l %p -> %l\\n' \\) -o -printf '%y %p\\n'
  --abi N          handled Landlock ABI, 1-7 (default 2, what OpenShell pins)
  --format FORMAT  text (default) or json

Exit codes: 0 nothing at warning or above; 1 warnings or errors found; 2 the tool itself failed.`;

export class UsageError extends Error {}

interface Io {
  out(text: string): void;
  err(text: string): void;
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
      tree: { type: 'string' },
      abi: { type: 'string' },
      only: { type: 'string' },
      write: { type: 'boolean' },
      stdio: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown --format ${format} (text or json)`);
  let abi: number | undefined;
  if (values.abi !== undefined) {
    abi = Number(values.abi);
    if (!/^[1-7]$/.test(values.abi)) throw new UsageError(`--abi must be a number from 1 to 7, got ${values.abi}`);
  }
  const workdir = values.workdir ?? '/sandbox';
  if (!workdir.startsWith('/')) throw new UsageError(`--workdir must be an absolute path, got ${workdir}`);
  const options: AnalysisOptions = { workdir, gpu: !!values.gpu, abi };
  if (values.tree) options.view = readTreeListing(values.tree, workdir);
  return { values, positionals, format, options };
}

function readPolicy(file: string): string {
  return readFileSync(file, 'utf8');
}

export function analyzeFile(file: string, options: AnalysisOptions): Analysis {
  return analyze(readPolicy(file), { ...options, fileName: path.resolve(file) });
}

export async function run(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check': {
        const { positionals, format, options, values } = parseCommon(rest);
        if (values.help) return help(io);
        if (positionals.length === 0) throw new UsageError('check needs at least one FILE');
        const results: FileResult[] = positionals.map((file) => ({ file, analysis: analyzeFile(file, options) }));
        if (format === 'json') io.out(JSON.stringify({ files: results.map(toJsonFile) }, null, 2) + '\n');
        else io.out(formatFindingsText(results));
        const failing = results.some((r) => r.analysis.findings.some((f) => f.severity === 'error' || f.severity === 'warning'));
        return failing ? EXIT_FINDINGS : EXIT_OK;
      }
      case 'explain': {
        const { positionals, format, options, values } = parseCommon(rest);
        if (values.help) return help(io);
        const [file, ...paths] = positionals;
        if (!file || paths.length === 0) throw new UsageError('explain needs a FILE and at least one PATH');
        const analysis = analyzeFile(file, options);
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
        return EXIT_OK;
      }
      case 'fix': {
        const { positionals, options, values } = parseCommon(rest);
        if (values.help) return help(io);
        if (positionals.length !== 1) throw new UsageError('fix needs exactly one FILE');
        return runFix(positionals[0], options, { only: values.only, write: !!values.write }, io);
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
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) io.err(`\n${USAGE}\n`);
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
