/**
 * Every diagnostic code, with what it means. A code is a promise to tools
 * (editors, CI filters, `--format json` readers): it names one kind of
 * finding and keeps its name, while messages may be reworded. The README's
 * "Diagnostic codes" table is checked against this list, and every code in
 * it is used somewhere in src/, so neither can drift from the other.
 *
 * Grouped as a reader meets them: reading the files, assembling the
 * project, checking its values, then what reaching the host needs.
 */
export const DIAGNOSTIC_CODES = {
  // Reading the files.
  "missing-input": "a file or variable the project needs cannot be found or read (compose files, env files, secrets, extends and include files)",
  "invalid-encoding": "a file read as text is not UTF-8",
  "yaml-syntax": "a compose file is not YAML compose2units reads: syntax, duplicate keys, unknown aliases or tags, nesting or alias limits",
  interpolation: "a `${...}` cannot be substituted, or names a variable that is not set",
  "invalid-env-file": "a line of `.env`, an `--env-file` or an `env_file` is not `NAME=value` as compose reads it",

  // Assembling the project.
  "invalid-project-name": "the project name given (`-p`, COMPOSE_PROJECT_NAME) is not one compose takes, or none can be derived",
  "mixed-formats": "files merged together are in different formats (the version 1 format and the Compose Specification's)",
  "merge-conflict": "two files give one key values of kinds that cannot be merged (a list and a mapping)",
  schema: "the document does not fit the Compose Specification schema",
  "undefined-reference": "a service, network, volume, secret or config is used but not declared (or its profiles are not active)",
  "include-cycle": "a compose file includes itself, directly or through other included files",
  "extends-cycle": "a service extends itself, directly or through other services",
  "limit-exceeded": "the project is bigger than compose2units reads (more than 1,000 included compose files)",
  "dependency-cycle": "services depend on each other",

  // Keys and values.
  "unsupported-key": "a key compose2units does not compile (an error), or ignores (a warning); the message says why",
  "unsupported-value": "a value compose accepts that cannot be compiled into units (`deploy.replicas` or `scale` other than 1)",
  "conflicting-keys": "keys that cannot be used together (settings given for an external network or volume, `network_mode` with `networks`)",
  "missing-key":
    "a key that is required here is absent (a service without `image`, a secret without a source, a bind mount or device without `source`, a hook without `command`)",
  "invalid-value": "a value is not one the key takes, and no code below fits (a restart policy, a signal, a boolean)",
  "invalid-number": "a value that must be a number is not one",
  "out-of-range": "a number, or a time made of them, is outside what docker or systemd take; the message gives the range",
  "invalid-duration": "a time is not one docker reads, such as `10s` or `1m30s`",
  "invalid-size": "a size is not one docker reads, such as `512m` or `1g`",
  "invalid-mode": "permission bits (a secret's, a config's or a tmpfs `mode`) are not octal bits in range",
  "invalid-port": "a `ports` or `expose` entry is not a port or range docker takes",
  "invalid-volume": "a `volumes` or `tmpfs` entry cannot be mounted as written (syntax, a relative target, a mode of the wrong kind, a Windows path)",
  "home-path": "a bind mount source starts with `~`: a warning that it is root's home on the host, an error for another user's (`~user`)",
  "invalid-path": "a path that must be absolute, or a device under `/dev`, is not",
  "invalid-reference":
    "a `links`, `external_links`, `volumes_from`, `ipc`, `pid`, `network_mode` or `image` value is not a reference written as docker takes it",
  "invalid-address": "an `extra_hosts` entry is not a host name and an IP address",
  "invalid-command":
    "a `command` or `entrypoint` string cannot be split into words as a shell would, or a healthcheck `test` does not start with NONE, CMD or CMD-SHELL",
  "healthcheck-disabled": "a service waits for another to be healthy, but that one's healthcheck is disabled",

  // Reaching the host.
  "invalid-name": "a service, network, volume, secret, config or container name cannot become a file, unit or container name",
  "name-too-long": "a generated file or unit name would be longer than file systems and systemd take",
  "name-reserved": "a generated unit would replace one of the host's own units (systemd's, docker's, cloud-init's)",
  "name-collision": "two things would get one container, file or unit name, or an included project redefines a name differently",
  "unsafe-value":
    "a value cannot be carried safely to the host (a control character in a unit line, an env file or the cloud-config; a line systemd would refuse)",
  "unsupported-by-engine": "the chosen engine (podman) has no equivalent for a setting",
  "invalid-option": "a compile option (a command-line flag or a library option) has a value that cannot be used",
  "conflicting-options": "compile options that do not fit together; the warning says which one is ignored or wrong",
  "user-data-size": "the cloud-config is over the user-data size limit",
} as const satisfies Readonly<Record<string, string>>;

/** A code from the catalogue above: a code not listed there does not type-check. */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
