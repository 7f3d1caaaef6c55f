// The language server bundle (server/out/server-main.js), loaded by server/out/server.js (launch.ts).
// The transport comes from the command line (--stdio, --node-ipc, --socket=N, --pipe=NAME), so
// `node server/out/server.js --stdio`, `landlock-lens lsp --stdio` (which requires server.js) and VS
// Code's IPC launch all work; with no transport flag at all it speaks stdio, what editors other than VS
// Code expect.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import type { CodeCache } from '../node/code-cache';
import { startServer } from './server';

const TRANSPORT = /^--(stdio|node-ipc|socket(=|$)|pipe(=|$))/;

/** Starts the server; `codeCache` is the launcher's, written once the first analysis has run. */
export function main(codeCache?: CodeCache): void {
  // The connection ends the process itself on `exit` (code 0 after `shutdown`, 1 otherwise) and when
  // the client's end of the transport closes.
  const connection = process.argv.slice(2).some((a) => TRANSPORT.test(a))
    ? createConnection(ProposedFeatures.all)
    : createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  startServer(connection, __dirname, codeCache);
}
