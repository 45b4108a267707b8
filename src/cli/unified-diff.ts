/** A line of text as diffed: `eol` false for a last line without a newline. */
interface Line {
  readonly text: string;
  readonly eol: boolean;
}

type Edit = { readonly op: " " | "-" | "+"; readonly line: Line };

const CONTEXT = 3;
/** Beyond this many differing lines, a file is shown as replaced whole rather than searched for a shortest edit. */
const MAX_EDIT_DISTANCE = 2000;

/**
 * The hunks of a unified diff (`@@ -a,b +c,d @@` and the lines below it,
 * three lines of context, as diff -u prints them) turning `before` into
 * `after`; empty when they are equal.
 */
export function unifiedHunks(before: string, after: string): string[] {
  if (before === after) return [];
  const edits = shortestEdit(splitLines(before), splitLines(after));
  const out: string[] = [];
  for (const [from, to] of hunkRanges(edits)) {
    let oldLine = 1;
    let newLine = 1;
    for (const e of edits.slice(0, from)) {
      if (e.op !== "+") oldLine++;
      if (e.op !== "-") newLine++;
    }
    const hunk = edits.slice(from, to);
    const oldCount = hunk.filter((e) => e.op !== "+").length;
    const newCount = hunk.filter((e) => e.op !== "-").length;
    out.push(`@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`);
    for (const e of hunk) {
      out.push(e.op + e.line.text);
      if (!e.line.eol) out.push("\\ No newline at end of file");
    }
  }
  return out;
}

/** diff -u's range: an empty range names the line before it, and a count of one is left out. */
function range(start: number, count: number): string {
  if (count === 0) return `${start - 1},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}

function splitLines(text: string): Line[] {
  if (text === "") return [];
  const parts = text.split("\n");
  const last = parts.pop()!;
  const lines: Line[] = parts.map((t) => ({ text: t, eol: true }));
  if (last !== "") lines.push({ text: last, eol: false });
  return lines;
}

const same = (a: Line, b: Line) => a.text === b.text && a.eol === b.eol;

/** Runs of edits to print: each change with CONTEXT lines around it, overlapping runs joined. */
function hunkRanges(edits: readonly Edit[]): [number, number][] {
  const ranges: [number, number][] = [];
  edits.forEach((e, i) => {
    if (e.op === " ") return;
    const from = Math.max(0, i - CONTEXT);
    const to = Math.min(edits.length, i + CONTEXT + 1);
    const last = ranges[ranges.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else ranges.push([from, to]);
  });
  return ranges;
}

/**
 * Myers' O(ND) shortest edit script. Each round's frontier is kept (only
 * its 2d+1 live diagonals) to walk the path back; past MAX_EDIT_DISTANCE
 * the file counts as rewritten, which keeps time and memory bounded.
 */
function shortestEdit(a: readonly Line[], b: readonly Line[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && same(a[x]!, b[y]!)) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace, d);
    }
  }
  return [...a.map((line) => ({ op: "-" as const, line })), ...b.map((line) => ({ op: "+" as const, line }))];
}

function backtrack(a: readonly Line[], b: readonly Line[], trace: readonly Int32Array[], distance: number): Edit[] {
  const edits: Edit[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = distance; d >= 0; d--) {
    const frontier = trace[d]!;
    // frontier[i] holds diagonal k = i - d - 1.
    const at = (k: number) => frontier[k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      edits.push({ op: " ", line: a[x - 1]! });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) edits.push({ op: "+", line: b[y - 1]! });
      else edits.push({ op: "-", line: a[x - 1]! });
    }
    x = prevX;
    y = prevY;
  }
  return edits.reverse();
}
