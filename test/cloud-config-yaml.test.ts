import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cloudConfigYaml, readableByCloudInit } from "../src/emit/cloud-config-yaml.js";
import { TOOLS, toolMissing } from "./support/real-tools.js";
import { REAL } from "./support/real-tag.js";

const scratch = mkdtempSync(join(tmpdir(), "compose2units-yaml-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Each document as cloud-init's own YAML loader reads it, as JSON (one process for all). */
function readWithCloudInit(texts: readonly string[]): unknown[] {
  const paths = texts.map((text, i) => {
    const path = join(scratch, `${i}.yaml`);
    writeFileSync(path, text);
    return path;
  });
  const program =
    "import sys, json\nfrom cloudinit import safeyaml\nfor p in sys.argv[1:]:\n    print(json.dumps(safeyaml.load(open(p, encoding='utf-8').read())))";
  const r = spawnSync("/usr/bin/python3", ["-c", program, ...paths], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as unknown);
}
/** Pieces that sit on the edges of YAML's plain, quoted and block scalar rules (and that cloud-init can read: see the last test). */
const PIECES = [
  "a",
  "Z",
  "web",
  "0644",
  "0",
  "12",
  "1.5",
  "1e3",
  "0x1F",
  "0o17",
  ".inf",
  "-",
  "--",
  "--no-block",
  "-1",
  "?",
  ":",
  ": ",
  " #",
  "#",
  "/",
  "/etc/x",
  "root:root",
  "a:",
  "a: b",
  "~",
  "null",
  "true",
  "False",
  "yes",
  "on",
  " ",
  "  ",
  "\t",
  "\n",
  "\n\n",
  "\u00e9",
  "\u00a0",
  "'",
  '"',
  "\\",
  "$",
  "%",
  "${X}",
  "[",
  "]",
  "{",
  "}",
  ",",
  "&a",
  "*a",
  "!tag",
  "|",
  ">",
  "@",
  "`",
  "---",
  "...",
  "=",
  "+",
  "_",
  ".",
  "é",
  "x".repeat(120),
];

function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const text = (): string => Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(PIECES)).join("");
  const content = (): string => {
    const lines = Array.from({ length: 1 + Math.floor(next() * 5) }, () => (next() < 0.2 ? "" : text()));
    return lines.join("\n") + pick(["\n", "\n", "\n", "", "\n\n", " \n", "\n "]);
  };
  return { next, pick, text, content };
}

describe.skipIf(toolMissing(TOOLS.cloudInit))("the cloud-config writer, read back by cloud-init", { tags: [REAL] }, () => {
  it("writes the shape compose2units generates so that cloud-init reads it back as it was", () => {
    const document = {
      packages: ["docker.io"],
      write_files: [
        { path: "/etc/compose2units/p/web.env", owner: "root:root", permissions: "0600", content: "A=1\nB=two words\n" },
        { path: "/etc/systemd/system/p-web.service", owner: "root:root", permissions: "0644", content: "# header\n\n[Unit]\nDescription=p: web\n" },
        {
          path: "/usr/local/sbin/p-image-cleanup",
          owner: "root:root",
          permissions: "0755",
          encoding: "gzip+base64",
          content: "H4sIAAAAAAACA+3OMQ6AIBAF0d5T/AtoAggqi+iW+/sJXd28==",
        },
      ],
      runcmd: [
        ["systemctl", "daemon-reload"],
        ["systemctl", "enable", "p-web.service", "p.target"],
        ["systemctl", "start", "--no-block", "p.target"],
      ],
      coreos: { units: [{ name: "p-web.service", enable: true, command: "start", content: "[Unit]\nDescription=x\n" }] },
    };
    const text = cloudConfigYaml(document);
    expect(text).toContain('permissions: "0644"\n');
    expect(text).toContain("content: |\n      A=1\n      B=two words\n");
    expect(readWithCloudInit([text])).toEqual([document]);
  });

  it("writes awkward strings, wherever they appear, so that cloud-init reads back the same values", () => {
    const documents: Record<string, unknown>[] = [];
    for (let seed = 1; seed <= 400; seed++) {
      const g = generator(seed);
      const entry = () => ({
        path: g.text(),
        owner: g.text(),
        permissions: g.pick(["0644", "0600", g.text()]),
        content: g.next() < 0.5 ? g.content() : g.text(),
      });
      documents.push({
        ...(g.next() < 0.5 ? { users: [{ name: g.text(), ssh_authorized_keys: [g.text()] }], timezone: g.text() } : {}),
        packages: [g.text(), g.text()],
        write_files: [entry(), entry(), { path: g.text(), content: g.content(), [g.text()]: g.text() }],
        runcmd: [[g.text(), g.text()], g.text(), []],
        coreos: { update: { group: g.text() }, units: [{ name: g.text(), enable: g.next() < 0.5, content: g.content() }] },
        [g.text()]: g.next() < 0.5 ? g.content() : [g.text()],
      });
    }
    const texts = documents.map((d) => cloudConfigYaml(d));
    expect(readWithCloudInit(texts)).toEqual(documents);
  });

  it("writes a repeated object twice, never as an anchor and alias", () => {
    const shared = { path: "/etc/a", content: "x\n" };
    const text = cloudConfigYaml({ write_files: [shared, shared] });
    expect(text).not.toMatch(/[&*]/);
    expect(readWithCloudInit([text])).toEqual([{ write_files: [shared, shared] }]);
  });

  it("refuses, as a bug in its caller, a string cloud-init would read otherwise", () => {
    for (const bad of ["\u2028", "\u2029", "\u0085", "\u009b", "\ufffe", "\ufeff", "\r", "\u0000", "\ud800"]) {
      expect(readableByCloudInit(`a${bad}b`), JSON.stringify(bad)).toBe(false);
      expect(() => cloudConfigYaml({ timezone: `a${bad}b` }), JSON.stringify(bad)).toThrow(/reached the writer/);
      expect(() => cloudConfigYaml({ [`a${bad}b`]: 1 }), JSON.stringify(bad)).toThrow(/reached the writer/);
    }
    expect(readableByCloudInit("tab\there, é, 😀, \u00a0\n")).toBe(true);
  });
});
