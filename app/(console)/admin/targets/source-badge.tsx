const SOURCES = {
  admin: { label: "Admin page", className: "badge info", title: "Added on this page; editable here." },
  file: { label: "Targets file", className: "badge muted", title: "Declared in the targets file; change it there." },
  demo: {
    label: "Demo",
    className: "badge warn",
    title: "Part of the demo environment: local practice targets, not production.",
  },
  builtin: {
    label: "Built in",
    className: "badge muted",
    title: "Registered by Keel itself at start (its own database).",
  },
} as const;

/** Where a target comes from, which also says where it can be changed. */
export function SourceBadge({ source }: { source: keyof typeof SOURCES }) {
  const { label, className, title } = SOURCES[source];
  return (
    <span className={className} title={title}>
      {label}
    </span>
  );
}
