// Follows the WeCom sandbox's call log: every kf/send_msg text that reached it, per customer, with
// the sandbox's clock (the same machine clock as ours). A customer's messages are matched in order
// to their answers: message k is answered by the first text after it and after answer k-1.
import type { Offered } from './latency';

interface Call {
  path: string;
  body: { touser?: string; open_kfid?: string; msgtype?: string };
  errcode: number;
  at: number;
}

export class AnswerLog {
  private next = 0;
  private readonly texts = new Map<string, number[]>();

  constructor(private readonly sandboxUrl: string) {}

  /** Reads the calls recorded since the last poll. */
  async poll(): Promise<void> {
    const res = await fetch(`${this.sandboxUrl}/sandbox/calls?path=kf/send_msg&since=${this.next}`);
    const page = (await res.json()) as { calls: Call[]; next: number };
    this.next = page.next;
    for (const call of page.calls) {
      if (call.errcode !== 0 || call.body.msgtype !== 'text' || !call.body.touser) continue;
      const key = `${call.body.open_kfid}|${call.body.touser}`;
      this.texts.set(key, [...(this.texts.get(key) ?? []), call.at]);
    }
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
        while (next < answers.length && answers[next]! < m.sentAt) next++;
        if (next < answers.length) m.answeredAt = answers[next++];
        else waiting++;
      }
    }
    return waiting;
  }
}
