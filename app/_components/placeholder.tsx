/**
 * A template placeholder a person may type (`{{serviceUrl}}`), shown as code and kept out of the
 * journeys' language check, which otherwise refuses a raw `{{` in the console's copy.
 */
export function Placeholder({ name }: { name: string }) {
  return <code data-verbatim>{`{{${name}}}`}</code>;
}
