import Link from "next/link";

export default function NotFound() {
  return (
    <main className="auth-page">
      <div className="card stack auth-card">
        <h1>Page not found</h1>
        <p className="muted">There is nothing at this address.</p>
        <Link prefetch={false} className="button" href="/">
          Go to the console
        </Link>
      </div>
    </main>
  );
}
