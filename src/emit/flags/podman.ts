import type { FlagCommand, FlagRule, FlagSpelling, FlagTable, FlagUnsupported } from "../engine.js";

/**
 * Every docker flag compose2units emits, as podman 4.3 (Debian 12) takes
 * it. Checked against podman's manual pages (podman-create(1),
 * podman-network-create(1), podman-network-connect(1),
 * podman-volume-create(1)) and against the real binary: a flag podman
 * accepts with the same meaning is kept, one it spells differently is
 * respelled, one it lacks is refused with the compose key that asked for
 * it. Beware flags podman accepts but reads differently: its global
 * options may follow the subcommand (`podman create --storage-opt` sets an
 * option of the whole storage driver, not of one container).
 */
const keep = (takesValue: boolean): FlagRule => ({
  takesValue,
  spell: (flag, value) => local(value === undefined ? [flag] : [flag, value]),
});

const lacks = (takesValue: boolean, why: string): FlagRule => ({ takesValue, spell: () => ({ unsupported: why }) });

/** Kept, unless `refusal` gives a reason to refuse the value. */
const keepUnless = (refusal: (value: string) => string | undefined): FlagRule => ({
  takesValue: true,
  spell: (flag, value) => {
    const why = refusal(value ?? "");
    return why === undefined ? local([flag, value ?? ""]) : { unsupported: why };
  },
});

function local(words: readonly string[]): FlagSpelling {
  return { global: [], local: words };
}

const same = keep(true);
const sameSwitch = keep(false);

/** podman reads a value that parses as a JSON list as the list (podman-create(1), --entrypoint and --health-cmd); docker takes it literally. */
function isJsonList(value: string): boolean {
  try {
    return Array.isArray(JSON.parse(value));
  } catch {
    return false;
  }
}

const LOG_DRIVERS = ["json-file", "journald", "none"];
/** The log options podman reads (podman-create(1), --log-opt); it stores any other and ignores it. */
const LOG_OPTIONS = ["max-size", "tag", "path"];

const CREATE: FlagTable = {
  "--rm": sameSwitch,
  "--name": same,
  "--pull": same,
  "--env-file": same,
  "--label": same,
  "--hostname": same,
  "--user": same,
  "--workdir": same,
  "--network": same,
  "--network-alias": same,
  "--ip": same,
  "--ip6": same,
  "--ipc": same,
  "--pid": same,
  "--publish": same,
  "--expose": same,
  "--volume": same,
  "--tmpfs": same,
  "--volumes-from": same,
  // podman 4.3 also reads a command whose first word is CMD, CMD-SHELL or none as its own syntax.
  "--health-cmd": keepUnless((command) =>
    isJsonList(command) || ["CMD", "CMD-SHELL", "none"].includes(command.split(" ")[0]!)
      ? `podman reads the health command "${command}" as its own syntax (healthcheck)`
      : undefined,
  ),
  "--health-interval": same,
  "--health-timeout": same,
  "--health-start-period": same,
  "--health-retries": same,
  "--no-healthcheck": sameSwitch,
  "--stop-signal": same,
  "--stop-timeout": same,
  "--entrypoint": keepUnless((word) => (isJsonList(word) ? `podman reads the entrypoint "${word}" as a JSON list (entrypoint)` : undefined)),
  "--privileged": sameSwitch,
  // podman's --read-only also mounts writable tmpfs on /run, /tmp and /var/tmp unless told not to.
  "--read-only": { takesValue: false, spell: (flag) => local([flag, "--read-only-tmpfs=false"]) },
  "--init": sameSwitch,
  "--tty": sameSwitch,
  "--interactive": sameSwitch,
  "--oom-kill-disable": sameSwitch,
  "--cap-add": same,
  "--cap-drop": same,
  "--dns": same,
  "--dns-search": same,
  "--dns-option": same,
  "--security-opt": same,
  "--group-add": same,
  "--device-cgroup-rule": same,
  "--device": same,
  "--add-host": same,
  "--sysctl": same,
  "--ulimit": same,
  "--shm-size": same,
  "--memory": same,
  "--memory-swap": same,
  "--memory-reservation": same,
  "--memory-swappiness": same,
  "--cpus": same,
  "--cpu-shares": same,
  "--cpu-quota": same,
  "--cpu-period": same,
  "--cpu-rt-runtime": same,
  "--cpu-rt-period": same,
  "--cpuset-cpus": same,
  "--pids-limit": same,
  "--oom-score-adj": same,
  "--userns": same,
  "--uts": same,
  "--cgroupns": same,
  "--cgroup-parent": same,
  "--platform": same,
  "--mac-address": same,
  "--blkio-weight": same,
  "--blkio-weight-device": same,
  "--device-read-bps": same,
  "--device-write-bps": same,
  "--device-read-iops": same,
  "--device-write-iops": same,
  // A global option of podman; the container keeps the runtime it was created with.
  "--runtime": { takesValue: true, spell: (flag, value) => ({ global: [flag, value ?? ""], local: [] }) },
  "--log-driver": keepUnless((driver) =>
    LOG_DRIVERS.includes(driver) ? undefined : `logging driver "${driver}" is not one of podman's (${LOG_DRIVERS.join(", ")}; json-file is its k8s-file)`,
  ),
  "--log-opt": keepUnless((option) => {
    const eq = option.indexOf("=");
    const name = eq < 0 ? option : option.slice(0, eq);
    return LOG_OPTIONS.includes(name) ? undefined : `podman ignores the logging option "${name}" (it reads only ${LOG_OPTIONS.join(", ")})`;
  }),
  "--link": lacks(true, "podman has no --link (links, external_links); on a network the service is reachable by its name and aliases"),
  "--link-local-ip": lacks(true, "podman has no --link-local-ip (link_local_ips)"),
  "--domainname": lacks(true, "podman 4.3 has no --domainname (domainname); put the domain in hostname"),
  "--gpus": lacks(true, "podman 4.3 has no --gpus (gpus, deploy device reservations); pass the devices with devices:"),
  "--storage-opt": lacks(true, "podman has no per-container --storage-opt (storage_opt); its --storage-opt configures the whole storage driver"),
};

const NETWORK_DRIVERS = ["bridge", "macvlan", "ipvlan"];
/** podman's network options (podman-network-create(1)): mtu for all drivers, vlan and isolate for bridge, parent and mode for macvlan/ipvlan. */
const NETWORK_OPTIONS = ["mtu", "vlan", "isolate", "parent", "mode"];
/** docker's names for options podman also has. */
const DOCKER_NETWORK_OPTIONS: Readonly<Record<string, string>> = {
  "com.docker.network.driver.mtu": "mtu",
  macvlan_mode: "mode",
  ipvlan_mode: "mode",
};

const NETWORK_CREATE: FlagTable = {
  "--driver": keepUnless((driver) =>
    NETWORK_DRIVERS.includes(driver) ? undefined : `network driver "${driver}" is not one of podman's (${NETWORK_DRIVERS.join(", ")})`,
  ),
  "--opt": {
    takesValue: true,
    spell: (flag, value = "") => {
      const eq = value.indexOf("=");
      const name = eq < 0 ? value : value.slice(0, eq);
      const rest = eq < 0 ? "" : value.slice(eq);
      const podmanName = DOCKER_NETWORK_OPTIONS[name] ?? name;
      if (!NETWORK_OPTIONS.includes(podmanName)) return { unsupported: `podman networks have no option "${name}" (they take ${NETWORK_OPTIONS.join(", ")})` };
      return local([flag, `${podmanName}${rest}`]);
    },
  },
  "--internal": sameSwitch,
  "--ipv6": sameSwitch,
  // docker's own IPAM is "default"; podman's own is host-local, and it refuses the name "default".
  "--ipam-driver": {
    takesValue: true,
    spell: (flag, value = ""): FlagSpelling | FlagUnsupported =>
      value === "default"
        ? local([])
        : ["host-local", "dhcp", "none"].includes(value)
          ? local([flag, value])
          : { unsupported: `IPAM driver "${value}" is not one of podman's (host-local, dhcp, none)` },
  },
  "--subnet": same,
  "--ip-range": same,
  "--gateway": same,
  "--label": same,
  // docker's --attachable lets containers outside a swarm join; any container can join any podman network.
  "--attachable": { takesValue: false, spell: () => local([]) },
  "--ipam-opt": lacks(true, "podman has no --ipam-opt (ipam options)"),
  "--aux-address": lacks(true, "podman has no --aux-address (ipam aux_addresses)"),
};

const NETWORK_CONNECT: FlagTable = {
  "--alias": same,
  "--ip": same,
  "--ip6": same,
  "--link-local-ip": lacks(true, "podman has no --link-local-ip (link_local_ips)"),
};

/** The local driver takes type, o and device in both engines; other drivers are plugins either way. */
const VOLUME_CREATE: FlagTable = {
  "--driver": same,
  "--opt": same,
  "--label": same,
};

export const PODMAN_FLAGS: Readonly<Record<FlagCommand, FlagTable>> = {
  create: CREATE,
  "network connect": NETWORK_CONNECT,
  "network create": NETWORK_CREATE,
  "volume create": VOLUME_CREATE,
};
