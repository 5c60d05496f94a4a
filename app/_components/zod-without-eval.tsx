"use client";

import { z } from "zod";

// Zod compiles object parsers with `new Function` when it may; under Keel's CSP (no
// 'unsafe-eval') its probe for that is a CSP violation on every page with a form. Parse without it.
z.config({ jitless: true });

/** Rendered once in the root layout so the setting is applied before any form validates. */
export function ZodWithoutEval() {
  return null;
}
