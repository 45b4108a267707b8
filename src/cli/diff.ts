import { posix } from "node:path";
import type { Paint } from "../paint.js";
import { unifiedHunks } from "./unified-diff.js";
import type { FileChange, OutputPlan } from "./write-output.js";

/**
 * A plan as a git-style unified diff: per file `diff --git`, mode lines for
 * new, removed and re-permissioned files, then the hunks. `shownDir` is the
 * folder as the user named it, so paths read as they typed them. Files
 * generated `0600` (env files, secrets, credentials) are reported but their
 * contents are not printed unless asked for, so a CI log does not carry them.
 */
export function formatPlanDiff(plan: OutputPlan, shownDir: string, paint: Paint, options: { readonly showSecrets: boolean }): string {
  return plan.changes.map((c) => fileDiff(c, posix.join(shownDir, c.path).replace(/^\/+/, ""), paint, options.showSecrets)).join("");
}

function fileDiff(change: FileChange, path: string, paint: Paint, showSecrets: boolean): string {
  const { before, after } = change;
  const head: string[] = [`diff --git a/${path} b/${path}`];
  if (!before) head.push(`new file mode 100${after!.permissions.slice(1)}`);
  else if (!after) head.push(`deleted file mode 100${before.permissions.slice(1)}`);
  else if (before.permissions !== after.permissions) head.push(`old mode 100${before.permissions.slice(1)}`, `new mode 100${after.permissions.slice(1)}`);
  const oldText = before?.content ?? "";
  const newText = after?.content ?? "";
  const lines = head.map((l) => paint("bold", l));
  if (oldText !== newText) {
    const secret = !showSecrets && (before?.permissions === "0600" || after?.permissions === "0600");
    if (secret) {
      lines.push(`Files ${before ? `a/${path}` : "/dev/null"} and ${after ? `b/${path}` : "/dev/null"} differ (contents of 0600 files are not shown)`);
    } else {
      lines.push(paint("bold", `--- ${before ? `a/${path}` : "/dev/null"}`), paint("bold", `+++ ${after ? `b/${path}` : "/dev/null"}`));
      for (const l of unifiedHunks(oldText, newText)) lines.push(colourLine(l, paint));
    }
  }
  return lines.join("\n") + "\n";
}

function colourLine(line: string, paint: Paint): string {
  if (line.startsWith("@@")) return paint("cyan", line);
  if (line.startsWith("-")) return paint("red", line);
  if (line.startsWith("+")) return paint("green", line);
  return line;
}
