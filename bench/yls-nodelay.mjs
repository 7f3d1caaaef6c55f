// Cross-check only (`--yls-nodelay`): runs yaml-language-server with its fixed 200 ms validation delay
// (`this.validationDelayMs = 200` in out/src/yamlSettings.js, not configurable) set to 0, so its
// debounce-free latency is measured directly instead of by subtraction. Nothing else is changed.
import { register } from 'node:module';
register('./yls-nodelay-hooks.mjs', import.meta.url);
