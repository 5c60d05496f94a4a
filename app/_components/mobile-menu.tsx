"use client";

import { usePathname } from "next/navigation";
import { useEffect, useId, useState, type ReactNode } from "react";

/**
 * The phone's menu: a labelled icon button ("Open menu" / "Close menu") that shows and hides the
 * navigation below the bar. It closes when a link is followed and on Escape.
 */
export function MobileMenu({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  // The page the menu was opened on: following a link changes the page, which closes it.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") setOpenOn(null);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <>
      <div className="mobile-bar-row">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true" /> Keel
        </span>
        <button
          type="button"
          className="icon-button"
          aria-label={open ? "Close menu" : "Open menu"}
          aria-expanded={open}
          aria-controls={menuId}
          onClick={() => setOpenOn(open ? null : pathname)}
        >
          <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            {open ? (
              <path d="M6 6l12 12M18 6L6 18" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
            ) : (
              <path d="M4 7h16M4 12h16M4 17h16" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
            )}
          </svg>
        </button>
      </div>
      <div className="mobile-menu" id={menuId} hidden={!open}>
        {children}
      </div>
    </>
  );
}
