// Entry point of server/out/server.js, what editors and `landlock-lens lsp` start: it loads the language
// server bundle (server/out/server-main.js, from main.ts) through V8's code cache (node/code-cache.ts),
// which saves a third of a server start and the compilation of the analysis on its first document, and
// hands it the young-generation collector it runs when idle (node/young-generation.ts). Kept to Node
// built-ins and those two small modules: this file is compiled on every start, without a cache.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { codeCacheDir, runBundleWithCodeCache, type CodeCache } from '../node/code-cache';
import { youngGenerationCollector, type YoungGenerationCollector } from '../node/young-generation';

const { exports, cache } = runBundleWithCodeCache(
  join(__dirname, 'server-main.js'),
  codeCacheDir(process.env, process.platform, homedir()),
);
(exports as { main(codeCache?: CodeCache, collectYoung?: YoungGenerationCollector): void }).main(cache, youngGenerationCollector());
