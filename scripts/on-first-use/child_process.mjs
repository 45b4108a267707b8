// Stands in for node:child_process in the bundled CLI (scripts/bundle-cli.mjs). commander needs it
// only to run executable subcommands, which compose2units has none of, and loading it brings in
// Node's sockets and streams: a tenth of a start.
export function spawn(...args) {
  return require("node:child_process").spawn(...args);
}
