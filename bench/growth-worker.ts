// Child process of growth.ts (bundled with esbuild first): times analyze() alone on typed versions of
// each generated policy given on the command line and prints, as JSON, the median CPU and wall time per
// analysis. A process of its own, so the V8 flags it runs with are the ones under test and no other
// benchmark's garbage (the `yaml` library's parse of the same file) is collected on its clock.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { analyze } from '../server/src/core/index';
import { median } from './stats';
import { typedVersions } from './typing';
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const out: Record<string, { cpuMs: number; wallMs: number; runs: number }> = {};
for (const arg of process.argv.slice(2)) {
  // `<paths>=<file>=<offset of a character to retype>`
  const [paths, file, offset] = arg.split('=');
  const text = readFileSync(file, 'utf8');
  const version = typedVersions(text, Number(offset));
  const big = Number(paths) > 5000;
  for (let i = 0; i < (big ? 4 : 30); i++) analyze(version(i));
  const cpu: number[] = [];
  const wall: number[] = [];
  const runs = big ? 15 : 100;
  for (let i = 0; i < runs; i++) {
    const t = version(i + 5);
    const c = cpuMs();
    const w = performance.now();
    analyze(t);
    wall.push(performance.now() - w);
    cpu.push(cpuMs() - c);
  }
  out[paths] = { cpuMs: median(cpu), wallMs: median(wall), runs };
}
console.log(JSON.stringify(out));
