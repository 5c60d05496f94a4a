import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";
import prettier from "eslint-config-prettier/flat";

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
    // Code the browser loads must never reach into server/ (DESIGN: guard with server-only).
    files: ["lib/**/*.{ts,tsx}", "app/_components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/server/*", "!@/server/routers/_app"],
              message: "Browser code must not import server modules.",
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
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
