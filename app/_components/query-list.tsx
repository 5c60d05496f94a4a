import type { ReactNode } from "react";
import { readClientError } from "@/lib/trpc/client-error";
import { FormError } from "./form-error";

type ListQuery<TData> = { isPending: boolean; isError: boolean; error: unknown; data: TData | undefined };

/**
 * What every list shows while its query is in flight, when it failed and when it is empty; the
 * list itself is drawn only when there is something in it.
 */
export function QueryList<TData, TItem>({
  query,
  items,
  loading = "Loading…",
  empty,
  children,
}: {
  query: ListQuery<TData>;
  items: (data: TData) => readonly TItem[];
  loading?: string;
  empty: ReactNode;
  children: (items: readonly TItem[], data: TData) => ReactNode;
}) {
  if (query.isPending) return <p className="muted">{loading}</p>;
  if (query.isError || query.data === undefined) return <FormError error={readClientError(query.error)} />;
  const list = items(query.data);
  if (list.length === 0) return <p className="empty">{empty}</p>;
  return <>{children(list, query.data)}</>;
}
