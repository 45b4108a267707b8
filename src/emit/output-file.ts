/** One generated file: where it goes in the output folder and where the cloud-config installs it. */
export interface OutputFile {
  /** Relative to the output folder, `/`-separated. */
  readonly path: string;
  readonly content: string;
  /** Octal permission string as cloud-config wants it, e.g. "0644". */
  readonly permissions: "0644" | "0600" | "0755";
  /** Absolute path on the host; absent for files that are not installed (the cloud-config itself). */
  readonly installPath?: string;
}
