// Bundles a benchmark worker the way esbuild.mjs bundles the shipped server and CLI (the same options,
// the `yaml` ES module build, the precompiled schema validator): a benchmark measures the code users
// run. Bundled with esbuild's defaults instead, every `yaml` function call went through a CommonJS
// interop getter (3-5% of an analysis) and ajv compiled the schema at load.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export async function bundleLikeTheServer(entry: string, outfile: string): Promise<void> {
  const esbuild = await import('esbuild');
  // A variable specifier: esbuild.mjs is plain JavaScript without type declarations.
  const shipped = await import(pathToFileURL(join(ROOT, 'esbuild.mjs')).href);
  await esbuild.build({ ...shipped.bundleOptions, minify: false, entryPoints: [entry], outfile, plugins: [shipped.precompiledSchema] });
}
