// What core-bench.ts times, bundled like the server (bench/bundle.ts): the whole analysis and our
// YAML reader alone.
export { analyze } from '../server/src/core/index';
export { parseStream } from '../server/src/core/yaml/parse';
