"use client";

/** Shown when a page fails to render. The digest lets an admin find the server log line. */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main className="auth-page">
      <div className="card stack auth-card" role="alert">
        <h1>This page failed to load</h1>
        <p className="muted">Keel hit an error while preparing this page. Nothing was changed.</p>
        {error.digest ? <p className="small muted">Error reference: {error.digest}</p> : null}
        <button className="button" type="button" onClick={reset}>
          Try again
        </button>
      </div>
    </main>
  );
}
