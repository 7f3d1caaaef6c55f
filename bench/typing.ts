// How the benchmarks type into a generated policy: which character an edit changes, and the versions of
// a text that typing there makes. No `import.meta`, so esbuild can bundle it into the CommonJS workers.

/** Offset of the character every benchmark edit toggles: the `s` of `notes` in the policy's edit path. */
export function editOffset(gen: { text: string; editPath: string }): number {
  return gen.text.indexOf(gen.editPath) + gen.editPath.indexOf('notes') + 4;
}

/** Versions of a text as typing makes them: the character at `at` cycles through the alphabet. */
export function typedVersions(text: string, at: number): (i: number) => string {
  if (at < 0) return () => text;
  return (i) => text.slice(0, at) + 'abcdefghijklmnopqrstuvwxyz'[i % 26] + text.slice(at + 1);
}
