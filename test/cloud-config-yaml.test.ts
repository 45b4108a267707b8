import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { CLOUD_CONFIG_YAML_OPTIONS, cloudConfigYaml } from "../src/emit/cloud-config-yaml.js";

const reference = (document: Record<string, unknown>) => stringify(document, CLOUD_CONFIG_YAML_OPTIONS);

/** Pieces that sit on the edges of YAML's plain, quoted and block scalar rules. */
const PIECES = [
  "a", "Z", "web", "0644", "0", "12", "1.5", "1e3", "0x1F", "0o17", ".inf", "-", "--", "--no-block", "-1", "?", ":", ": ", " #", "#",
  "/", "/etc/x", "root:root", "a:", "a: b", "~", "null", "true", "False", "yes", "on", " ", "  ", "\t", "\n", "\n\n", "\r", "\u0000",
  "\u00e9", "\u2028", "'", '"', "\\", "$", "%", "${X}", "[", "]", "{", "}", ",", "&a", "*a", "!tag", "|", ">", "@", "`", "---", "...",
  "=", "+", "_", ".", "é", "x".repeat(120),
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

describe("the cloud-config writer", () => {
  it("writes the shape compose2units generates exactly as the yaml package does", () => {
    const document = {
      packages: ["docker.io"],
      write_files: [
        { path: "/etc/compose2units/p/web.env", owner: "root:root", permissions: "0600", content: "A=1\nB=two words\n" },
        { path: "/etc/systemd/system/p-web.service", owner: "root:root", permissions: "0644", content: "# header\n\n[Unit]\nDescription=p: web\n" },
        { path: "/usr/local/sbin/p-image-cleanup", owner: "root:root", permissions: "0755", encoding: "gzip+base64", content: "H4sIAAAAAAACA+3OMQ6AIBAF0d5T/AtoAggqi+iW+/sJXd28==" },
      ],
      runcmd: [
        ["systemctl", "daemon-reload"],
        ["systemctl", "enable", "p-web.service", "p.target"],
        ["systemctl", "start", "--no-block", "p.target"],
      ],
      coreos: { units: [{ name: "p-web.service", enable: true, command: "start", content: "[Unit]\nDescription=x\n" }] },
    };
    expect(cloudConfigYaml(document)).toBe(reference(document));
  });

  it("agrees with the yaml package on awkward strings, wherever they appear", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const g = generator(seed);
      const entry = () => ({ path: g.text(), owner: g.text(), permissions: g.pick(["0644", "0600", g.text()]), content: g.next() < 0.5 ? g.content() : g.text() });
      const document: Record<string, unknown> = {
        ...(g.next() < 0.5 ? { users: [{ name: g.text(), ssh_authorized_keys: [g.text()] }], timezone: g.text() } : {}),
        packages: [g.text(), g.text()],
        write_files: [entry(), entry(), { path: g.text(), content: g.content(), [g.text()]: g.text() }],
        runcmd: [[g.text(), g.text()], g.text(), []],
        coreos: { update: { group: g.text() }, units: [{ name: g.text(), enable: g.next() < 0.5, content: g.content() }] },
        [g.text()]: g.next() < 0.5 ? g.content() : [g.text()],
      };
      expect(cloudConfigYaml(document), `seed ${seed}`).toBe(reference(document));
    }
  });

  it("leaves documents with a repeated object or undefined values to the yaml package", () => {
    const shared = { path: "/etc/a", content: "x\n" };
    const withAlias = { write_files: [shared, shared] };
    expect(cloudConfigYaml(withAlias)).toBe(reference(withAlias));
    const withUndefined = { timezone: undefined, write_files: [{ path: "/etc/a", owner: undefined, content: "x\n" }], runcmd: [] };
    expect(cloudConfigYaml(withUndefined)).toBe(reference(withUndefined));
  });
});
