import ReactMarkdown from "react-markdown";

/**
 * A runbook's instructions. Raw HTML in the file is dropped (skipHtml), never rendered, and
 * react-markdown's default URL filter removes javascript: links; links open in a new tab so the
 * run stays open.
 */
export function Markdown({ children }: { children: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown
        skipHtml
        components={{
          a: ({ href, children: text }) => (
            <a href={href} target="_blank" rel="noreferrer noopener">
              {text}
            </a>
          ),
        }}
      >
        {children}
      </ReactMarkdown>
    </div>
  );
}
