import { describe, expect, it } from "vitest";
import { substitute } from "../src/frontend/3-interpolate/interpolate.js";

const env = { SET: "value", EMPTY: "", PORT: "8080" };
const ok = (template: string) => {
  const r = substitute(template, env);
  if (!r.ok) throw new Error(r.message);
  return r.text;
};

describe("variable substitution as docker compose does it", () => {
  it.each([
    ["plain text", "plain text"],
    ["$SET", "value"],
    ["${SET}", "value"],
    ["a${SET}b", "avalueb"],
    ["$SET-suffix", "value-suffix"],
    ["$$SET", "$SET"],
    ["$${SET}", "${SET}"],
    ["cost: $$5", "cost: $5"],
    ["${UNSET:-default}", "default"],
    ["${EMPTY:-default}", "default"],
    ["${EMPTY-default}", ""],
    ["${UNSET-default}", "default"],
    ["${SET:-default}", "value"],
    ["${SET:+alt}", "alt"],
    ["${EMPTY:+alt}", ""],
    ["${EMPTY+alt}", "alt"],
    ["${UNSET+alt}", ""],
    ["${UNSET:-${PORT}}", "8080"],
    ["${UNSET:-${ALSO_UNSET:-deep}}", "deep"],
    ["${UNSET:-a:b-c}", "a:b-c"],
    ["${PORT}:80", "8080:80"],
    ["${UNSET:-}", ""],
  ])("%s → %s", (template, expected) => {
    expect(ok(template)).toBe(expected);
  });

  it("reports unset variables without defaults, substituting empty text", () => {
    const r = substitute("a${UNSET}b$OTHER", env);
    expect(r).toEqual({ ok: true, text: "ab", unset: ["UNSET", "OTHER"] });
  });

  it.each([
    ["${UNSET:?is required}", "is required"],
    ["${EMPTY:?must not be empty}", "must not be empty"],
    ["${UNSET?gone}", "gone"],
    ["${UNSET:?}", "required variable UNSET is missing"],
    ["${EMPTY:?}", "required variable EMPTY is empty"],
  ])("%s fails with its message", (template, message) => {
    expect(substitute(template, env)).toEqual({ ok: false, message });
  });

  it("accepts an empty but set variable for ?", () => {
    expect(ok("${EMPTY?x}")).toBe("");
  });

  it.each(["$", "a $ b", "${", "${SET", "${1BAD}", "${SET!x}"])("rejects the malformed template %j", (template) => {
    expect(substitute(template, env).ok).toBe(false);
  });
});
