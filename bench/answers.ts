// Follows the WeCom sandbox's call log: every kf/send_msg text that reached it, per customer, with
// the sandbox's clock (the same machine clock as ours). A customer's messages are matched in order
// to their answers: message k is answered by the first text after it and after answer k-1.
import type { Offered } from './latency';

interface Call {
  path: string;
  body: { touser?: string; open_kfid?: string; msgtype?: string; text?: { content?: string } };
  errcode: number;
  at: number;
}

/** A text WeCom accepted for a customer. */
export interface Answer {
  at: number;
  content: string;
}

export class AnswerLog {
  private next = 0;
  private readonly texts = new Map<string, Answer[]>();
  private polling: Promise<void> = Promise.resolve();

  constructor(private readonly sandboxUrl: string) {}

  /**
   * Reads the calls recorded since the last poll. Polls run one after the other: two reading from
   * the same offset at once would count the same answers twice.
   */
  poll(): Promise<void> {
    const next = this.polling.then(() => this.readOnce());
    this.polling = next.catch(() => undefined);
    return next;
  }

  private async readOnce(): Promise<void> {
    const res = await fetch(`${this.sandboxUrl}/sandbox/calls?path=kf/send_msg&since=${this.next}`);
    const page = (await res.json()) as { calls: Call[]; next: number };
    this.next = page.next;
    for (const call of page.calls) {
      if (call.errcode !== 0 || call.body.msgtype !== 'text' || !call.body.touser) continue;
      const key = `${call.body.open_kfid}|${call.body.touser}`;
      this.texts.set(key, [...(this.texts.get(key) ?? []), { at: call.at, content: call.body.text?.content ?? '' }]);
    }
  }

  /** Every text the customer was sent (since the log was first polled), in order. */
  answersTo(openKfId: string, customer: string): Answer[] {
    return this.texts.get(`${openKfId}|${customer}`) ?? [];
  }

  /** Fills answeredAt where an answer has arrived; returns how many are still waiting. */
  match(messages: Offered[]): number {
    const byCustomer = new Map<string, Offered[]>();
    for (const m of messages) {
      const key = `${m.openKfId}|${m.customer}`;
      byCustomer.set(key, [...(byCustomer.get(key) ?? []), m]);
    }
    let waiting = 0;
    for (const [key, list] of byCustomer) {
      const answers = this.texts.get(key) ?? [];
      let next = 0;
      for (const m of list.sort((a, b) => a.sentAt - b.sentAt)) {
        while (next < answers.length && answers[next]!.at < m.sentAt) next++;
        if (next < answers.length) m.answeredAt = answers[next++]!.at;
        else waiting++;
      }
    }
    return waiting;
  }
}
