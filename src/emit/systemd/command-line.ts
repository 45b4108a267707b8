import type { DiagnosticBag, SourceLocation } from "../../diagnostics.js";
import { executableProblem, quoteExecWord } from "./exec-quote.js";

/** One argv word and, when it came from the user, where it was written. */
export interface Word {
  readonly text: string;
  readonly at?: SourceLocation;
}

/** Builds an argv word by word, so that a word that cannot be quoted is reported at its source. */
export class CommandLine {
  private readonly words: Word[] = [];

  constructor(executable: string) {
    this.words.push({ text: executable });
  }

  add(...texts: string[]): this {
    for (const text of texts) this.words.push({ text });
    return this;
  }

  /** Words written by the user: reported at `at` if systemd cannot carry them. */
  addFrom(at: SourceLocation, ...texts: readonly string[]): this {
    for (const text of texts) this.words.push({ text, at });
    return this;
  }

  /** Words already paired with where they came from. */
  addWords(words: readonly Word[]): this {
    this.words.push(...words);
    return this;
  }

  /**
   * The text after `ExecStart=`; undefined (with a diagnostic per bad word)
   * when a word holds a character no unit line can carry.
   */
  render(diagnostics: DiagnosticBag, what: string): string | undefined {
    const out: string[] = [];
    let ok = true;
    const exe = this.words[0]!;
    const problem = executableProblem(exe.text);
    if (problem !== undefined) {
      diagnostics.error("unsafe-value", `${what}: ${problem}`, exe.at);
      return undefined;
    }
    for (const word of this.words) {
      const quoted = quoteExecWord(word.text);
      if (quoted.ok) {
        out.push(quoted.text);
        continue;
      }
      ok = false;
      diagnostics.error("unsafe-value", `${what}: value ${JSON.stringify(word.text)} ${quoted.reason}, which a systemd unit line cannot carry`, word.at);
    }
    return ok ? out.join(" ") : undefined;
  }

  /** Where the longest word the user wrote came from: the place to blame when the line is too long. */
  widestSource(): SourceLocation | undefined {
    let widest: Word | undefined;
    for (const word of this.words) if (word.at && (!widest || word.text.length > widest.text.length)) widest = word;
    return widest?.at;
  }
}
