import type { EngineName } from "./engine.js";

/** What the target host needs beyond the units, as compile options (the CLI's --install-docker and friends). */
export interface HostOptions {
  /**
   * The engine whose client the units run: `docker` (default) or `podman`,
   * whose docker-compatible CLI takes most of the same flags; compose keys
   * needing a flag podman lacks are refused.
   */
  readonly engine?: EngineName;
  /**
   * Install the engine from this distribution package (`docker.io` or
   * `podman` on Debian and Ubuntu) and enable its service (docker's; podman
   * has none).
   */
  readonly installDocker?: string;
  /** A docker `config.json` with registry credentials; installed 0600 and used by every pull (podman: as its --authfile). */
  readonly registryAuth?: string;
  /**
   * A tarball (images saved with `docker save`, config files) that a oneshot
   * unit downloads, checks and unpacks before any service starts (seed 002's
   * provision.service).
   */
  readonly bundle?: BundleOptions;
}

export interface BundleOptions {
  readonly url: string;
  /** SHA-256 of the tarball, hex: a download that does not match fails the provisioning unit. */
  readonly sha256: string;
  /** Where it is unpacked (default /var/lib/compose2units/<project>/bundle); image_archive paths usually point inside it. */
  readonly directory?: string;
}
