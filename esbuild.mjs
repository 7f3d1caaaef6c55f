// Bundles the extension client, the language server and the CLI into self-contained CommonJS files.
// The .vsix ships these bundles only (see .vscodeignore), so no node_modules are packaged.
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Replaces server/src/core/policy/schema-validator.ts with ajv's standalone validator, generated here
 * with the options that module uses: no schema compilation at run time, no ajv compiler in the bundle.
 */
export const precompiledSchema = {
  name: 'precompiled-policy-schema',
  setup(build) {
    build.onResolve({ filter: /\/schema-validator$/ }, (args) => ({ path: args.path, namespace: 'precompiled-schema' }));
    build.onLoad({ filter: /.*/, namespace: 'precompiled-schema' }, () => {
      const Ajv = require('ajv').default;
      const standaloneCode = require('ajv/dist/standalone').default;
      const schema = JSON.parse(readFileSync(`${root}schemas/openshell-policy.schema.json`, 'utf8'));
      const source = readFileSync(`${root}server/src/core/policy/schema-validator.ts`, 'utf8');
      const options = JSON.parse(/AJV_OPTIONS = (\{[^}]*\})/.exec(source)[1].replace(/(\w+):/g, '"$1":'));
      const ajv = new Ajv({ ...options, code: { source: true } });
      const code = standaloneCode(ajv, ajv.compile(schema));
      return {
        contents: `${code}\nconst precompiled = module.exports;\nmodule.exports = { compilePolicyValidator: () => precompiled };\n`,
        loader: 'js',
        resolveDir: root,
      };
    });
  },
};

/**
 * vscode-languageserver requires `child_process` (to find global node modules) and `crypto` (to name
 * pipes) when it loads, for features the server never uses over stdio or IPC; compiling those two
 * built-in modules was about 15 ms of every server start. They are loaded on first use instead.
 */
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    build.onResolve({ filter: /^(node:)?(child_process|crypto)$/ }, (args) =>
      args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy-builtin' });
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let loaded;\nconst load = () => (loaded ??= require(${JSON.stringify(args.path)}));\nmodule.exports = new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load(), ownKeys: () => Reflect.ownKeys(load()), getOwnPropertyDescriptor: (_, key) => Object.getOwnPropertyDescriptor(load(), key) });\n`,
      loader: 'js',
    }));
  },
};

const YAML_ESM = `${root}node_modules/yaml/browser/index.js`;

/**
 * The options every bundle shares. The benchmarks bundle the core with them and precompiledSchema
 * (bench/bundle.ts), so that they measure the code as it ships.
 */
export const bundleOptions = {
  bundle: true,
  // The `yaml` package's ES module build (the same code as its CommonJS build, which logs through
  // console instead of process.emitWarning): imported as ESM, its functions are called directly. From
  // the CommonJS build every `isScalar`, `isMap`... went through an interop getter, 4% of an analysis.
  alias: { yaml: YAML_ESM },
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  minify: process.argv.includes('--minify'),
  logLevel: 'warning',
  legalComments: 'none',
};

export async function buildAll() {
  await Promise.all([
    esbuild.build({ ...bundleOptions, entryPoints: ['client/src/extension.ts'], outfile: 'client/out/extension.js', external: ['vscode'] }),
    // server.js is a small launcher that runs server-main.js through V8's code cache (lsp/launch.ts).
    esbuild.build({ ...bundleOptions, entryPoints: ['server/src/lsp/launch.ts'], outfile: 'server/out/server.js' }),
    esbuild.build({ ...bundleOptions, entryPoints: ['server/src/lsp/main.ts'], outfile: 'server/out/server-main.js', plugins: [precompiledSchema, lazyBuiltins] }),
    esbuild.build({ ...bundleOptions, entryPoints: ['server/src/cli/main.ts'], outfile: 'server/out/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [precompiledSchema] }),
  ]);
}

// Run as a script (npm run build, postinstall, the tests): build. Imported (the benchmarks): only options.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildAll();
