// Which session each recent customer is in, as this worker last routed them. A follow-up then goes
// straight to its conversation, with no look-up in `customers`: on FerretDB every look-up scans the
// collection, which grows with every new customer (docs/PERFORMANCE.md). Nothing here needs to be
// right: an entry is only a first guess. A session that has finished refuses the signal and the
// customer record decides; one that has closed but still runs forwards what it receives to the
// next (customerSessions.ts). Several workers each keep their own.

/** Customers remembered (least recently routed forgotten first): about 100 bytes each. */
const CAPACITY = 50_000;

export class SessionDirectory {
  private readonly sessions = new Map<string, number>();

  constructor(private readonly capacity = CAPACITY) {}

  get(openKfId: string, externalUserId: string): number | undefined {
    const key = keyOf(openKfId, externalUserId);
    const session = this.sessions.get(key);
    if (session !== undefined) {
      // Most recently used last: Map keeps insertion order.
      this.sessions.delete(key);
      this.sessions.set(key, session);
    }
    return session;
  }

  set(openKfId: string, externalUserId: string, session: number): void {
    const key = keyOf(openKfId, externalUserId);
    this.sessions.delete(key);
    this.sessions.set(key, session);
    if (this.sessions.size > this.capacity) this.sessions.delete(this.sessions.keys().next().value!);
  }

  forget(openKfId: string, externalUserId: string): void {
    this.sessions.delete(keyOf(openKfId, externalUserId));
  }

  get size(): number {
    return this.sessions.size;
  }
}

const keyOf = (openKfId: string, externalUserId: string) => `${openKfId}\u0000${externalUserId}`;
