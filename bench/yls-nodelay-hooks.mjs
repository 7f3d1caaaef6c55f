// Module load hook for yls-nodelay.mjs: rewrites the one constant, fails loudly if it is not there.
export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (url.endsWith('/yaml-language-server/out/src/yamlSettings.js')) {
    const source = String(result.source);
    const patched = source.replace('this.validationDelayMs = 200;', 'this.validationDelayMs = 0;');
    if (patched === source) throw new Error('yls-nodelay: validationDelayMs = 200 not found in yamlSettings.js');
    return { ...result, source: patched };
  }
  return result;
}
