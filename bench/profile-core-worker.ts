// Child process of profile.ts (bundled with esbuild first): runs analyze() on a policy file for a
// while, under --cpu-prof.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { analyze } from '../server/src/core/index';

const file = process.argv[2];
const budgetMs = Number(process.argv[3] ?? 3000);
const text = readFileSync(file, 'utf8');
const start = performance.now();
let n = 0;
while (n < 3 || performance.now() - start < budgetMs) {
  analyze(text);
  n++;
}
console.log(`${n} runs`);
