import { QueryClient } from "@tanstack/react-query";

/** The one QueryClient factory: live parts poll; dashboards render on the server. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 15_000, refetchOnWindowFocus: true, retry: 2 },
    },
  });
}
