// Types of what test/startup-artifacts.test.ts imports from generate-validator.mjs.

/** The validator module's source text, generated afresh from schemas/compose-spec.schema.json. */
export function validatorSource(): string;
export const generatedDir: string;
export const validatorFile: string;
