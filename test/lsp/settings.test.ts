// The server's settings as clients send them (Neovim users type them by hand): a wrong value keeps the
// default instead of turning a feature off or making the server misbehave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, mergeSettings } from '../../server/src/lsp/settings';

test('maxDiagnostics: a count (0 = no limit); anything else keeps the default of 1000', () => {
  assert.equal(DEFAULT_SETTINGS.maxDiagnostics, 1000);
  assert.equal(mergeSettings(DEFAULT_SETTINGS, { maxDiagnostics: 0 }).maxDiagnostics, 0);
  assert.equal(mergeSettings(DEFAULT_SETTINGS, { maxDiagnostics: 25 }).maxDiagnostics, 25);
  for (const wrong of [-1, 2.5, '500', null, Infinity, Number.NaN]) {
    assert.equal(mergeSettings(DEFAULT_SETTINGS, { maxDiagnostics: wrong }).maxDiagnostics, 1000, String(wrong));
  }
  assert.equal(mergeSettings({ ...DEFAULT_SETTINGS, maxDiagnostics: 7 }, { debounceMs: 0 }).maxDiagnostics, 7, 'a later layer without it keeps the earlier value');
});
