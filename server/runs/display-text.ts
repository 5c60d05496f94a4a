import { renderTemplates, TemplateError, templateReferencesIn, type TemplateScope } from "../runbooks/templates";

/**
 * Fills the templates in a step's title or instructions for reading ("Let checkout settle").
 * Unlike rendering an action's input, nothing here may fail: a reference that cannot be filled
 * yet (a later step's output) stays as written. Secret inputs are never in this scope.
 */
export function displayText(text: string, scope: TemplateScope): string {
  let out = text;
  for (const reference of new Set(templateReferencesIn(text))) {
    try {
      const value = renderTemplates(`{{${reference}}}`, scope);
      if (value === null || typeof value === "object") continue;
      out = out.replace(new RegExp(`\\{\\{\\s*${reference.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*\\}\\}`, "g"), String(value));
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
    }
  }
  return out;
}
