// YAML inputs shared by the tests that compare two readings of the same text (the fast reader against
// the `yaml` library, lazy origins against recorded ones): every fixture (corpus included), generated
// policies, and seeded mutations of them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePolicy } from '../bench/generate';

const FIXTURES = join(__dirname, 'fixtures');

export function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** Every fixture (named by its path under test/fixtures, so corpus files start with `corpus/`) and generated policies. */
export function yamlInputs(): { name: string; text: string }[] {
  const list = yamlFiles(FIXTURES).map((p) => ({ name: p.slice(FIXTURES.length + 1), text: readFileSync(p, 'utf8') }));
  for (const size of [16, 256]) list.push({ name: `generated ${size}`, text: generatePolicy(size).text });
  return list;
}

/** One to three seeded edits of the kind people and tools make: comment lines at odd indents, stray indicators, CRLF, truncation... */
export function mutateYaml(text: string, r: () => number): string {
  const lines = text.split('\n');
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const n = 1 + Math.floor(r() * 3);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(r() * lines.length);
    const line = lines[i] ?? '';
    const indent = ' '.repeat(Math.floor(r() * 9));
    switch (Math.floor(r() * 12)) {
      case 0: lines.splice(i, 0, `${indent}# note ${k}`); break;
      case 1: lines.splice(i, 0, ''); break;
      case 2: lines[i] = ' ' + line; break;
      case 3: lines[i] = line.replace(/^ /, ''); break;
      case 4: lines.splice(i, 1); break;
      case 5: lines.splice(i, 0, line); break;
      case 6: {
        const at = Math.floor(r() * (line.length + 1));
        lines[i] = line.slice(0, at) + pick([':', ': ', '#', ' #', "'", '"', '[', ']', '{', '}', ',', '-', '- ', '&a ', '*a', '!t ', '|', '>', '\\', '?', ' ', '%', '@', '`', '\t', '---', 'é', '😀']) + line.slice(at);
        break;
      }
      case 7: lines[i] = line.replace(/\s+$/, '') + pick(['  ', '  # trailing', ' #x', '#x', ':']); break;
      case 8: lines.splice(i, 0, `${indent}${pick(['- x', 'k: v', 'k:', '- k: v', "- 'q'", '- "q q"', '[a, b]', '{a: 1}', 'k: [a, {b: c}]', "k: 'it''s'"])}`); break;
      case 9: lines.length = Math.max(1, i); break;
      case 10: lines[i] = line.replace(/^(\s*)- /, '$1-  '); break;
      default: lines[i] = line.replace(/: /, ':  '); break;
    }
  }
  const out = lines.join('\n');
  return r() < 0.1 ? out.replace(/\n/g, '\r\n') : r() < 0.05 ? out.replace(/\n$/, '') : out;
}
