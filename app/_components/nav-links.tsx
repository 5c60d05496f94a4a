"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import type { NavItem } from "./navigation";

function isCurrent(pathname: string, href: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

export function NavLinks({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  const sections = [...new Set(items.map((item) => item.section))];
  return (
    <nav className="nav" aria-label="Main">
      {sections.map((section) => (
        <div key={section}>
          <div className="nav-section">{section}</div>
          {items
            .filter((item) => item.section === section)
            .map((item) => (
              <Link
                prefetch={false}
                key={item.href}
                href={item.href}
                aria-current={isCurrent(pathname, item.href) ? "page" : undefined}
              >
                {item.label}
              </Link>
            ))}
        </div>
      ))}
    </nav>
  );
}
