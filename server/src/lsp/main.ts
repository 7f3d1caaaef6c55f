// placeholder until the language server lands
console.error('language server not built yet'); process.exit(1);
