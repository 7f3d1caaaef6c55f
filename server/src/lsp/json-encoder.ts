// How messages are encoded for stream transports (stdio: Neovim, Emacs, Helix, the CLI's `lsp`). The
// library's encoder is Buffer.from(JSON.stringify(message)): for the diagnostics of a large policy that is
// one string and one buffer of the whole message, both new (1 MB at 2,000 paths, 10 MB at 20,000), and
// making them costs more than the JSON itself (fresh memory is paged in on first touch, and large objects
// bring on old-generation collections): 7 and 121 ms per publication here, against 6 and 47 ms this way
// (in process; over LSP, BENCHMARKS.md and the CHANGELOG). VS Code's IPC transport serialises messages
// itself and does not come here.
//
// This encoder writes into one buffer it keeps, and serialises long arrays (the diagnostics of a
// publication) element by element with JSON.stringify, so no string of such a message is built.
// The bytes are exactly Buffer.from(JSON.stringify(message)) (test/lsp/json-encoder.test.ts).
//
// Reusing the buffer is safe because the message writer (vscode-jsonrpc's WriteableStreamMessageWriter)
// encodes under its write lock and releases it only once the stream has taken the previous message's
// bytes (the write callback): one encoder per writer.
import type { ContentTypeEncoder, ContentTypeEncoderOptions, Message } from 'vscode-languageserver/node';

/**
 * Arrays at least this long are written element by element (shorter ones in one JSON.stringify). One
 * JSON.stringify of a long array returns a string V8 built as a tree of pieces, which writing into the
 * buffer first copies into one flat string (a new large object): the 1,000 diagnostics of a 2,000-path
 * policy encoded in 6.3 ms that way, 4-4.8 ms element by element; 160 diagnostics (256 paths) 0.93 ->
 * 0.52 ms (in process, median of 30 publications each). Shorter lists stay one JSON.stringify: their
 * string is short, and one call costs less than one per element.
 */
const ELEMENTWISE_ARRAY_LENGTH = 64;
/** How deep plain objects are opened to find such arrays: message -> params/result -> diagnostics/items. */
const MAX_OPENED_DEPTH = 3;
const INITIAL_BYTES = 64 * 1024;
const CHUNK_CHARS = 32 * 1024;

export function reusedBufferJsonEncoder(): ContentTypeEncoder {
  let buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  let used = 0;

  function put(text: string): void {
    // UTF-16 code units encode to at most 3 bytes each; write() would silently stop at the end. The bound
    // is reserved rather than the text measured: Buffer.byteLength walks the text character by character
    // (3.5 ms per MB here, as much as JSON.stringify made it in), and memory reserved but never written
    // is never paged in.
    const needed = used + text.length * 3;
    if (needed > buffer.length) {
      let size = buffer.length * 2;
      while (size < needed) size *= 2;
      const larger = Buffer.allocUnsafeSlow(size);
      buffer.copy(larger, 0, 0, used);
      buffer = larger;
    }
    used += buffer.write(text, used, 'utf8');
  }

  /** Writes what JSON.stringify writes for `value` as the property `key` of its holder. */
  function putValue(key: string, value: unknown, depth: number): void {
    if (isLongArray(value)) {
      // Elements are joined into chunks of about CHUNK_CHARS before they are written: one write per
      // element cost more than the JSON itself.
      let chunk: string[] = ['['];
      let chars = 1;
      for (let i = 0; i < value.length; i++) {
        // As JSON.stringify writes an array element: undefined, functions and symbols (and holes) as null.
        const json = propertyJson(String(i), value[i]) ?? 'null';
        chunk.push(i > 0 ? ',' + json : json);
        chars += json.length + 1;
        if (chars >= CHUNK_CHARS) {
          put(chunk.join(''));
          chunk = [];
          chars = 0;
        }
      }
      chunk.push(']');
      put(chunk.join(''));
      return;
    }
    if (isOpenedObject(value, depth)) {
      put('{');
      let first = true;
      for (const member of Object.keys(value)) {
        const memberValue = value[member];
        // A member putValue opens is written whatever it holds; any other may serialise to nothing.
        const opened = isLongArray(memberValue) || isOpenedObject(memberValue, depth + 1);
        const json = opened ? undefined : propertyJson(member, memberValue);
        // As JSON.stringify leaves out members that serialise to nothing (undefined, functions, symbols).
        if (!opened && json === undefined) continue;
        put(first ? JSON.stringify(member) + ':' : ',' + JSON.stringify(member) + ':');
        first = false;
        if (opened) putValue(member, memberValue, depth + 1);
        else put(json!);
      }
      put('}');
      return;
    }
    put(propertyJson(key, value) ?? 'null');
  }

  return {
    name: 'application/json',
    encode(message: Message, options: ContentTypeEncoderOptions): Promise<Uint8Array> {
      try {
        if (options.charset !== 'utf-8') return Promise.resolve(Buffer.from(JSON.stringify(message), options.charset));
        used = 0;
        putValue('', message, 0);
        return Promise.resolve(buffer.subarray(0, used));
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}

/** An array putValue writes element by element. */
function isLongArray(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length >= ELEMENTWISE_ARRAY_LENGTH;
}

/** An object putValue writes member by member at this depth. */
function isOpenedObject(value: unknown, depth: number): value is Record<string, unknown> {
  return depth < MAX_OPENED_DEPTH && isPlainObject(value);
}

/**
 * What JSON.stringify writes for `value` as the property `key` of its holder (undefined: nothing). A
 * toJSON method is given that key, so such a value is serialised through a holder with the same key.
 */
function propertyJson(key: string, value: unknown): string | undefined {
  if ((typeof value === 'object' || typeof value === 'bigint') && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const whole = JSON.stringify({ [key]: value });
    return whole === '{}' ? undefined : whole.slice(JSON.stringify(key).length + 2, -1);
  }
  return JSON.stringify(value);
}

/** An object JSON.stringify writes member by member: no toJSON, a plain or null prototype (not a boxed primitive, Date...). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}
