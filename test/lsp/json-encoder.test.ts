// The stdio transport's message encoder (server/src/lsp/json-encoder.ts): the same bytes as
// Buffer.from(JSON.stringify(message)), whatever the message holds, and intact across reuse of its buffer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from 'vscode-languageserver/node';
import { reusedBufferJsonEncoder } from '../../server/src/lsp/json-encoder';
import { rng } from '../seeded-random';

type Encoder = { encode(message: Message, options: { charset: 'utf-8' | 'ascii' }): Promise<Uint8Array> };
const encoder = () => reusedBufferJsonEncoder() as unknown as Encoder;

async function assertSameBytes(e: Encoder, message: unknown, label: string): Promise<void> {
  const bytes = Buffer.from(await e.encode(message as Message, { charset: 'utf-8' }));
  const expected = Buffer.from(JSON.stringify(message), 'utf8');
  assert.ok(bytes.equals(expected), `${label}: ${bytes.subarray(0, 200).toString()} ...\n!= ${expected.subarray(0, 200).toString()} ...`);
}

/** A diagnostic-like element with the awkward values JSON.stringify treats specially. */
function element(next: () => number, i: number): unknown {
  const kinds = [
    () => ({ range: { start: { line: i, character: 2 } }, message: `read_only \`/sandbox/é/${i}\` — 😀`, data: { yamlPath: ['filesystem_policy', 'read_only', i] } }),
    () => ({ skipped: undefined, fn: () => 1, sym: Symbol('x'), kept: null, n: Number.NaN, inf: -Infinity }),
    () => [undefined, () => 1, Symbol('y'), 1.5e300, -0, 'lone \ud800 surrogate'],
    () => new Date(Date.UTC(2026, 11, 3, i % 24)),
    () => ({ toJSON: (key: string) => `toJSON(${key})` }),
    () => ({ toJSON: () => undefined }),
    () => Object.assign(Object.create(null), { noPrototype: true, '\u2028key': 'line separator' }),
    () => undefined,
    () => new String('boxed'),
    () => new Map([[1, 2]]),
    () => 'quote " backslash \\ newline \n tab \t control \u0001',
  ];
  return kinds[Math.floor(next() * kinds.length)]();
}

test('encodes exactly as Buffer.from(JSON.stringify(message)): small messages and awkward values', async () => {
  const e = encoder();
  const next = rng(0xe5c0de);
  await assertSameBytes(e, { jsonrpc: '2.0', id: 1, result: null }, 'null result');
  await assertSameBytes(e, { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'ünïcödé 😀 \ud800' } }, 'unicode');
  for (let n = 0; n < 50; n++) {
    const items = Array.from({ length: Math.floor(next() * 80) }, (_, i) => element(next, i));
    await assertSameBytes(e, { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///p.yaml', version: n, diagnostics: items } }, `message ${n}`);
  }
});

test('a long array (a publication of thousands of diagnostics) is written element by element with the same bytes, holes included', async () => {
  const e = encoder();
  const next = rng(0xb16);
  const diagnostics: unknown[] = Array.from({ length: 9000 }, (_, i) => element(next, i));
  delete diagnostics[17]; // a hole
  const message = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///big.yaml', version: 7, diagnostics, extra: undefined } };
  await assertSameBytes(e, message, 'publication');
  // Nested below the depth that is opened, and at the top: still the same bytes.
  await assertSameBytes(e, { jsonrpc: '2.0', id: 3, result: { items: { deeper: { list: diagnostics } } } }, 'deep');
  await assertSameBytes(e, diagnostics, 'top-level array');
});

test('the buffer is reused: each message is whole, a larger one after a smaller one and back', async () => {
  const e = encoder();
  const sizes = [10, 5000, 3, 20000, 100];
  for (const [n, size] of sizes.entries()) {
    const message = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: `file:///${n}.yaml`, diagnostics: Array.from({ length: size }, (_, i) => ({ message: `entry ${i} of message ${n}` })) } };
    const bytes = await e.encode(message as unknown as Message, { charset: 'utf-8' });
    const parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
    assert.equal(parsed.params.diagnostics.length, size);
    assert.equal(parsed.params.diagnostics.at(-1).message, `entry ${size - 1} of message ${n}`);
  }
});

test('another charset is encoded as the library would', async () => {
  const bytes = await encoder().encode({ jsonrpc: '2.0', id: 1, result: 'plain' } as unknown as Message, { charset: 'ascii' });
  assert.equal(Buffer.from(bytes).toString('ascii'), '{"jsonrpc":"2.0","id":1,"result":"plain"}');
});

test('a value JSON.stringify refuses is refused (the writer reports it), not half-written', async () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  await assert.rejects(encoder().encode({ jsonrpc: '2.0', id: 1, result: cyclic } as unknown as Message, { charset: 'utf-8' }), TypeError);
  await assert.rejects(encoder().encode({ jsonrpc: '2.0', id: 1, result: { n: 1n } } as unknown as Message, { charset: 'utf-8' }), TypeError);
});
