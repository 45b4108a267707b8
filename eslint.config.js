// Lint rules for compose2units: typescript-eslint's recommended type-aware set over src/ and test/.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "generated/", "node_modules/", "out/", "fixtures/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      // Unused names are mistakes; a leading underscore marks one left on purpose (a callback's parameter).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Finding control characters in values is much of what this compiler's checks do.
    rules: { "no-control-regex": "off" },
  },
  {
    // Tests read untyped JSON as it comes (docker inspect, schema documents they break on purpose); src/ stays typed.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    // Bundled into the CommonJS CLI, where `require` is there (scripts/bundle-cli.mjs).
    files: ["**/*.cjs", "bin/compose2units", "scripts/on-first-use/*.mjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { require: "readonly", module: "writable", process: "readonly", console: "readonly", __dirname: "readonly", Buffer: "readonly" },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["**/*.mjs", "scripts/**", "bench/**"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", performance: "readonly", Buffer: "readonly" } },
  },
);
