import { LIMITS } from "../frontend/limits.js";
import { decodeUtf8 } from "../text-encoding.js";
import { readBounded } from "./read-input.js";

/** What the CLI touches of its process, so that tests can run it in-process. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** The whole of standard input, for a compose file given as `-`; throws InputRefused past the input size limit. */
  readonly readStdin: () => string;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
}

export const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
  // Read only up to the limit: `-f - < /dev/zero` must end. Bytes that are not UTF-8 are kept for the loader to report.
  readStdin: () => decodeUtf8(readBounded(0, LIMITS.inputFileBytes)),
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
};
