import { invalid, parsed, type Parsed } from "./parsed.js";

/** A `links` or `external_links` entry: the service (or container) and the name it is reached by. */
export interface LinkShortSyntax {
  readonly name: string;
  /** The name itself when none is written. */
  readonly alias: string;
}

/** `NAME` or `NAME:ALIAS`, as docker's `--link` takes it: anything else docker refuses, so it is refused here. */
export function parseLink(text: string): Parsed<LinkShortSyntax> {
  const parts = text.split(":");
  if (parts.length > 2) return invalid(`invalid link "${text}": expected NAME or NAME:ALIAS`);
  const [name, alias = name] = parts as [string, string | undefined];
  if (name === "") return invalid(`invalid link "${text}": the name before the colon is empty`);
  if (alias === "") return invalid(`invalid link "${text}": the alias after the colon is empty`);
  return parsed({ name, alias });
}
