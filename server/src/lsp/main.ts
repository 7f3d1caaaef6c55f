// Entry point of the bundled language server (server/out/server.js). The transport comes from the
// command line (--stdio, --node-ipc, --socket=N, --pipe=NAME), so `node server/out/server.js --stdio`,
// `landlock-lens lsp --stdio` (which requires this bundle) and VS Code's IPC launch all work; with
// no transport flag at all it speaks stdio, what editors other than VS Code expect.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

const TRANSPORT = /^--(stdio|node-ipc|socket(=|$)|pipe(=|$))/;

// The connection ends the process itself on `exit` (code 0 after `shutdown`, 1 otherwise) and when
// the client's end of the transport closes.
const connection = process.argv.slice(2).some((a) => TRANSPORT.test(a))
  ? createConnection(ProposedFeatures.all)
  : createConnection(ProposedFeatures.all, process.stdin, process.stdout);
startServer(connection, __dirname);
