/**
 * What every short-syntax parser returns: the typed value, or the reason the
 * text is not one. Parsers never report: each stage that reads a short form
 * decides whether a bad one is an error there (normalization) or just not
 * recognised (merge identities, service selection), and all of them read it
 * the same way.
 */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export function parsed<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function invalid<T>(reason: string): Parsed<T> {
  return { ok: false, reason };
}
