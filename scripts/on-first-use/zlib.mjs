// Stands in for node:zlib in the bundled CLI (scripts/bundle-cli.mjs): the cloud-config is
// compressed only when it is over the user-data limit, and loading zlib (and Node's streams with
// it) at every start cost more than most runs spend compressing.
export function gzipSync(...args) {
  return require("node:zlib").gzipSync(...args);
}
