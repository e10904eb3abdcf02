// Reads a server-sent-events stream of the api as a test would watch a workspace: every event in
// order, and a wait for the next one that satisfies a predicate.
export interface StreamedEvent {
  event: string;
  data: Record<string, unknown>;
}

export interface EventReader {
  events: StreamedEvent[];
  status: number;
  /** The first event (from the start of the stream) that matches; waits for it. */
  next(
    event: string,
    ok?: (data: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  close(): void;
}

export async function readEvents(url: string, token: string): Promise<EventReader> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  const events: StreamedEvent[] = [];
  const waiters = new Set<() => void>();
  if (res.ok && res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const name = /^event: (.+)$/m.exec(block)?.[1];
            const data = /^data: (.+)$/m.exec(block)?.[1];
            if (name && data) events.push({ event: name, data: JSON.parse(data) as Record<string, unknown> });
            for (const wake of waiters) wake();
          }
        }
      } catch {
        // closed by the test
      }
    })();
  }
  return {
    events,
    status: res.status,
    async next(event, ok = () => true, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find((e) => e.event === event && ok(e.data));
        if (found) return found.data;
        if (Date.now() > deadline) {
          throw new Error(`no ${event} event in time; saw ${JSON.stringify(events.map((e) => e.event))}`);
        }
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            resolve();
          };
          waiters.add(wake);
          setTimeout(wake, 200);
        });
      }
    },
    close: () => abort.abort(),
  };
}
