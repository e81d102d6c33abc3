import { ApiError, notFound } from "../state/errors";
import type { Reply } from "./router";

export function ok(body: unknown): Reply {
  return { status: 200, body };
}

export function created(body: unknown): Reply {
  return { status: 201, body };
}

export const noContent: Reply = { status: 204 };

/** A list answer with Hetzner's pagination: `page` and `per_page` (25 by default, 50 at most), and `meta`. */
export function page<T>(
  key: string,
  items: readonly T[],
  query: URLSearchParams,
  view: (item: T) => unknown,
): Reply {
  const perPage = Math.min(Math.max(Number(query.get("per_page") ?? 25) || 25, 1), 50);
  const lastPage = Math.max(Math.ceil(items.length / perPage), 1);
  const current = Math.min(Math.max(Number(query.get("page") ?? 1) || 1, 1), lastPage);
  return ok({
    [key]: items.slice((current - 1) * perPage, current * perPage).map(view),
    meta: {
      pagination: {
        page: current,
        per_page: perPage,
        previous_page: current > 1 ? current - 1 : null,
        next_page: current < lastPage ? current + 1 : null,
        last_page: lastPage,
        total_entries: items.length,
      },
    },
  });
}

/** The numeric id in a path; a non-number is `not_found`, as Hetzner answers it. */
export function idParam(value: string, kind: string): number {
  if (!/^\d+$/.test(value)) throw notFound(kind, value);
  return Number(value);
}

/** Query filters shared by the list endpoints. */
export function filters(query: URLSearchParams): { name?: string; labelSelector?: string } {
  return { name: query.get("name") ?? undefined, labelSelector: query.get("label_selector") ?? undefined };
}

export function errorReply(error: ApiError): Reply {
  return { status: error.status, body: error.toJSON() };
}
