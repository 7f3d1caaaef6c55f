// The language server bundle (server/out/server-main.js), loaded by server/out/server.js (launch.ts).
// The transport comes from the command line (--stdio, --node-ipc, --socket=N, --pipe=NAME), so
// `node server/out/server.js --stdio`, `landlock-lens lsp --stdio` (which requires server.js) and VS
// Code's IPC launch all work; with no transport flag at all it speaks stdio, what editors other than VS
// Code expect.
import { format } from 'node:util';
import { createConnection, ProposedFeatures, StreamMessageWriter, type Connection, type MessageReader } from 'vscode-languageserver/node';
import type { CodeCache } from '../node/code-cache';
import type { YoungGenerationCollector } from '../node/young-generation';
import { reusedBufferJsonEncoder } from './json-encoder';
import { startServer } from './server';

const TRANSPORT = /^--(stdio|node-ipc|socket(=|$)|pipe(=|$))/;

/**
 * Starts the server; `codeCache` is the launcher's, written once the first analysis has run, and
 * `collectYoung` the launcher's way to collect the young generation while idle (young-generation.ts).
 */
export function main(codeCache?: CodeCache, collectYoung?: YoungGenerationCollector): void {
  // The connection ends the process itself on `exit` (code 0 after `shutdown`, 1 otherwise) and when
  // the client's end of the transport closes (stdin's end, for stdio).
  const transport = process.argv.slice(2).find((a) => TRANSPORT.test(a));
  const connection = transport === undefined || transport === '--stdio' ? stdioConnection() : createConnection(ProposedFeatures.all);
  startServer(connection, __dirname, codeCache, collectYoung);
}

/**
 * Over stdio, messages are encoded by reusedBufferJsonEncoder (json-encoder.ts) instead of the library's
 * default. Given its own writer the library no longer keeps console output off stdout (it did for
 * --stdio): console.log, info and debug go to the client's log, formatted as console would.
 */
function stdioConnection(): Connection {
  const writer = new StreamMessageWriter(process.stdout, { charset: 'utf-8', contentTypeEncoder: reusedBufferJsonEncoder() });
  // stdin is passed as the stream it is (the typings want a reader with a writer): given a stream,
  // vscode-languageserver reads it and ends the process when it closes, as with --stdio.
  const connection = createConnection(ProposedFeatures.all, process.stdin as unknown as MessageReader, writer);
  // Anything a dependency prints must not land in the protocol stream.
  console.log = (...args: unknown[]) => connection.console.log(format(...args));
  console.info = (...args: unknown[]) => connection.console.info(format(...args));
  console.debug = (...args: unknown[]) => connection.console.log(format(...args));
  return connection;
}
