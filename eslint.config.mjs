import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";
import prettier from "eslint-config-prettier/flat";
import { clientBoundaryRule } from "./scripts/lint/client-boundary-rule.mjs";

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  {
    rules: {
      // Logs go through the structured, redacting logger; scripts write to stdout directly.
      "no-console": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Code the browser loads ("use client" files and lib/) never imports server/ or db/ at run time.
    files: ["app/**/*.{ts,tsx}", "lib/**/*.{ts,tsx}"],
    plugins: { keel: { rules: { "client-boundary": clientBoundaryRule } } },
    rules: { "keel/client-boundary": "error" },
  },
  {
    // Every journey runs the language check of the console's copy (e2e/support/test.ts).
    files: ["e2e/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@playwright/test",
              importNames: ["test", "expect"],
              message: "Import test and expect from ./support/test, which checks the copy of every page.",
            },
          ],
        },
      ],
    },
  },
  // Layout is Prettier's (npm run lint checks it); ESLint's own layout rules are off.
  prettier,
  globalIgnores([
    ".next/**",
    "out/**",
    "build/**",
    "next-env.d.ts",
    ".data/**",
    "test-results/**",
    "playwright-report/**",
    ".scratch/**",
  ]),
]);
