import type { DiagnosticBag } from "../../diagnostics.js";
import type { LocationIndex, PathSegment } from "../location-index.js";
import { pointerOf } from "../location-index.js";
import type { RawValue } from "../parse-yaml.js";
import type { Tree } from "../tree.js";
import { BUDGET_SPENT, formatBytes, LIMITS, type LoadBudget } from "../limits.js";

export type Environment = Readonly<Record<string, string | undefined>>;

/** The outcome of substituting one string: the text, or why it cannot be substituted. */
export type Substitution = { readonly ok: true; readonly text: string; readonly unset: readonly string[] } | { readonly ok: false; readonly message: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Substitutes variables the way docker compose does: `$VAR`, `${VAR}`,
 * `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`,
 * `${VAR:+alt}`, `${VAR+alt}`, defaults that nest, and `$$` for a literal `$`.
 */
export function substitute(template: string, env: Environment, budget?: LoadBudget): Substitution {
  const unset: string[] = [];
  try {
    const text = new Substituter(template, env, unset).run();
    if (budget && !budget.spend(text.length)) return { ok: false, message: BUDGET_SPENT };
    return { ok: true, text, unset };
  } catch (e) {
    if (e instanceof SubstitutionError) return { ok: false, message: e.message };
    throw e;
  }
}

class SubstitutionError extends Error {}

class Substituter {
  private pos = 0;
  /** `${...}` open around the current position: each level is a level of recursion. */
  private depth = 0;
  /** Substitution may make a value this long, or leave it as long as it was written. */
  private readonly maxLength: number;

  constructor(
    private readonly src: string,
    private readonly env: Environment,
    private readonly unset: string[],
  ) {
    this.maxLength = Math.max(LIMITS.substitutedValueChars, src.length);
  }

  run(): string {
    const out = this.text(false);
    if (this.pos < this.src.length) throw new SubstitutionError(`unexpected "}" at ${this.where()}`);
    return out;
  }

  /** Reads literal text and substitutions up to the end, or up to the closing `}` of a nested word. */
  private text(nested: boolean): string {
    let out = "";
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (nested && c === "}") return out;
      if (c !== "$") {
        out += c;
        this.pos++;
        continue;
      }
      out += this.dollar();
      // Checked as it grows: values that double at each step reach gigabytes in a few dozen lines.
      if (out.length > this.maxLength)
        throw new SubstitutionError(`substituting variables makes this value longer than ${formatBytes(LIMITS.substitutedValueChars)}`);
    }
    if (nested) throw new SubstitutionError(`missing "}" at the end of the value`);
    return out;
  }

  private dollar(): string {
    const next = this.src[this.pos + 1];
    if (next === "$") {
      this.pos += 2;
      return "$";
    }
    if (next === "{") {
      this.pos += 2;
      return this.braced();
    }
    const name = NAME.exec(this.src.slice(this.pos + 1))?.[0];
    if (!name) {
      throw new SubstitutionError(`invalid "$" at ${this.where()} (write "$$" for a literal dollar sign)`);
    }
    this.pos += 1 + name.length;
    return this.lookup(name) ?? this.markUnset(name);
  }

  private braced(): string {
    if (++this.depth > LIMITS.substitutionDepth) throw new SubstitutionError(`\${...} nests more than ${LIMITS.substitutionDepth} levels deep`);
    const name = NAME.exec(this.src.slice(this.pos))?.[0];
    if (!name) throw new SubstitutionError(`invalid variable name after "\${" at ${this.where()}`);
    this.pos += name.length;
    const rest = this.src.slice(this.pos);
    const operator = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest)?.[0];
    if (!operator) {
      if (rest[0] !== "}")
        throw new SubstitutionError(`invalid substitution of ${name} at ${this.where()}: "}", ":-", "-", ":?", "?", ":+" or "+" must follow the name`);
      this.pos++;
      return this.lookup(name) ?? this.markUnset(name);
    }
    this.pos += operator.length;
    const word = this.text(true);
    this.pos++; // the closing brace
    this.depth--;
    const value = this.lookup(name);
    const emptyCounts = operator.startsWith(":");
    const isSet = value !== undefined && !(emptyCounts && value === "");
    switch (operator) {
      case ":-":
      case "-":
        return isSet ? value : word;
      case ":+":
      case "+":
        return isSet ? word : "";
      default: {
        if (isSet) return value;
        const why = word === "" ? `required variable ${name} is ${value === undefined ? "missing" : "empty"}` : word;
        throw new SubstitutionError(why);
      }
    }
  }

  /**
   * Where the fault is, by character in the value: the value itself is never
   * quoted, since it may be a secret (an environment value, a line of an env file).
   */
  private where(): string {
    return `character ${this.pos + 1} of the value`;
  }

  private lookup(name: string): string | undefined {
    return this.env[name];
  }

  private markUnset(name: string): string {
    this.unset.push(name);
    return "";
  }
}

/**
 * Interpolates every string value, never a key, in a parsed file. An unset
 * variable is reported once: pass the same `warned` set for every file of a
 * project.
 */
export function interpolateValues(
  value: RawValue,
  env: Environment,
  locations: LocationIndex,
  diagnostics: DiagnosticBag,
  warned: Set<string> = new Set(),
  budget?: LoadBudget,
): RawValue {
  // One path, extended and shortened in place: its pointer is only built for a value that has a `$`.
  const path: PathSegment[] = [];
  const walk = (v: RawValue): RawValue => {
    if (typeof v === "string") {
      if (!v.includes("$")) return v;
      const result = substitute(v, env, budget);
      const at = locations.value(pointerOf(path));
      if (!result.ok) {
        diagnostics.error("interpolation", result.message, at);
        return v;
      }
      for (const name of result.unset) {
        if (warned.has(name)) continue;
        warned.add(name);
        diagnostics.warning("interpolation", `variable ${name} is not set; substituting an empty string`, at);
      }
      return result.text;
    }
    if (Array.isArray(v)) {
      const out: RawValue[] = [];
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        out.push(walk(v[i]!));
        path.pop();
      }
      return out;
    }
    if (v !== null && typeof v === "object") {
      const out: Record<string, RawValue> = {};
      for (const [k, child] of Object.entries(v)) {
        path.push(k);
        out[k] = walk(child);
        path.pop();
      }
      return out;
    }
    return v;
  };
  return walk(value);
}

/**
 * interpolateValues for a parsed tree: every string value, never a key, each
 * error placed at its own value. Unchanged parts of the tree are shared.
 */
export function interpolateTree(tree: Tree, env: Environment, diagnostics: DiagnosticBag, warned: Set<string> = new Set(), budget?: LoadBudget): Tree {
  switch (tree.kind) {
    case "scalar": {
      const v = tree.value;
      if (typeof v !== "string" || !v.includes("$")) return tree;
      const result = substitute(v, env, budget);
      if (!result.ok) {
        diagnostics.error("interpolation", result.message, tree.at);
        return tree;
      }
      for (const name of result.unset) {
        if (warned.has(name)) continue;
        warned.add(name);
        diagnostics.warning("interpolation", `variable ${name} is not set; substituting an empty string`, tree.at);
      }
      return { ...tree, value: result.text };
    }
    case "seq": {
      // Copied only from the first item that changes: most of a file has nothing to substitute.
      let items: Tree[] | undefined;
      for (let i = 0; i < tree.items.length; i++) {
        const item = tree.items[i]!;
        const out = interpolateTree(item, env, diagnostics, warned, budget);
        if (out !== item) (items ??= tree.items.slice())[i] = out;
      }
      return items ? { ...tree, items } : tree;
    }
    case "map": {
      let entries: Map<string, Tree> | undefined;
      for (const [k, v] of tree.entries) {
        const out = interpolateTree(v, env, diagnostics, warned, budget);
        if (out !== v) (entries ??= new Map(tree.entries)).set(k, out);
      }
      return entries ? { ...tree, entries } : tree;
    }
  }
}
