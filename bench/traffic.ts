// Simulated customers at a fixed offered rate (open loop: a message is sent on schedule whether or
// not the earlier ones were answered), through the WeCom sandbox's control API: the sandbox logs
// the message and sends the api a real encrypted callback, as WeCom does.
import { AnswerLog } from './answers';
import { figures, type Figures, type Offered } from './latency';

/**
 * Questions the demo knowledge base answers. A customer asks them in turn, never the same one
 * twice in a row (the policy hands a repeated question to a person), so every message gets one
 * bot answer.
 */
export const QUESTIONS = [
  '运费怎么算？',
  '退款多久到账？',
  '商品可以换货吗？',
  '下单后多久发货？',
  '怎么查询物流信息？',
  '怎么开发票？',
  '支持哪些支付方式？',
  '优惠券怎么用？',
  '保修期多久？',
  '设备怎么连接WiFi？',
  '怎么升级固件？',
  'App在哪里下载？',
];
const asked = new Map<string, number>();
let serial = 0;
/**
 * The customer's next question, with a number of its own: real customers seldom write the same
 * text twice, and the worker keeps recent turns' vectors by text, so without it every turn after
 * the first few would skip its embedding call. Six digits, zero-padded: a number standing alone can
 * be one the risk lexicon rightly hands to a person (110, 12315), a padded one never is (checked
 * for the first 20,000 against the detectors), nor does it change the entry found.
 */
function nextQuestion(customer: string): string {
  const n = asked.get(customer) ?? customer.length;
  asked.set(customer, n + 1);
  return `${QUESTIONS[n % QUESTIONS.length]!} ${String(++serial).padStart(6, '0')}`;
}

export interface Phase {
  sandboxUrl: string;
  openKfId: string;
  ratePerS: number;
  durationMs: number;
  /** The customer who writes the i-th message (the messages so far: answeredAt is kept up to date). */
  customer(i: number, sent: readonly Offered[]): string;
  /** What a customer says as their n-th message (from 0); by default the next of QUESTIONS. */
  text?(customer: string, n: number): string | undefined;
  /** How long to wait for the last answers after the last message. */
  drainMs: number;
  onProgress?(line: string): void;
}

/** The customer writes; WeCom's msgid of the message. */
export async function say(sandboxUrl: string, openKfId: string, customer: string, text: string): Promise<string> {
  const res = await fetch(`${sandboxUrl}/sandbox/customers/${encodeURIComponent(customer)}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ openKfId, text }),
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`sandbox refused a customer message: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { msgid: string }).msgid;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Offers messages at the rate for the duration, then waits for the answers; latency figures, the
 * messages the sandbox refused, and the answer log (what each customer was sent).
 */
export async function runPhase(
  phase: Phase,
): Promise<Figures & { messages: Offered[]; refused: number; answers: AnswerLog }> {
  const answers = new AnswerLog(phase.sandboxUrl);
  await answers.poll(); // start after everything already logged
  const total = Math.max(1, Math.round((phase.ratePerS * phase.durationMs) / 1000));
  const messages: Offered[] = [];
  const failures: string[] = [];
  const started = Date.now();
  const sends: Promise<void>[] = [];
  let waiting = 0;
  const progress = setInterval(() => {
    void answers
      .poll()
      .then(() => {
        waiting = answers.match(messages);
        phase.onProgress?.(
          `${phase.ratePerS} msg/s: sent ${messages.length}/${total}, answered ${messages.length - waiting}`,
        );
      })
      .catch(() => undefined); // the progress line only: the drain below reads the log for real
  }, 500);
  try {
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / phase.ratePerS;
      if (due > Date.now()) await sleep(due - Date.now());
      const customer = phase.customer(i, messages);
      const n = messages.filter((earlier) => earlier.customer === customer).length;
      const text = phase.text?.(customer, n) ?? nextQuestion(customer);
      const m: Offered = { openKfId: phase.openKfId, customer, sentAt: Date.now() };
      messages.push(m);
      sends.push(
        say(phase.sandboxUrl, phase.openKfId, m.customer, text).then(
          (msgid) => void (m.msgid = msgid),
          (error: unknown) => void failures.push((error as Error).message),
        ),
      );
    }
    await Promise.all(sends);
    const deadline = Date.now() + phase.drainMs;
    do {
      await sleep(250);
      await answers.poll();
      waiting = answers.match(messages);
    } while (waiting > 0 && Date.now() < deadline);
  } finally {
    clearInterval(progress);
  }
  if (failures.length > 0) phase.onProgress?.(`${failures.length} messages refused, e.g. ${failures[0]}`);
  return { ...figures(messages), messages, refused: failures.length, answers };
}

/** Every customer writes once and is answered: the open conversations a follow-up phase talks to. */
export async function openConversations(
  sandboxUrl: string,
  openKfId: string,
  customers: string[],
  ratePerS: number,
  onProgress?: (line: string) => void,
): Promise<Figures> {
  return runPhase({
    sandboxUrl,
    openKfId,
    ratePerS,
    durationMs: (customers.length * 1000) / ratePerS,
    customer: (i) => customers[i]!,
    // Opening many conversations above the sustained rate queues them: wait for all.
    drainMs: 600_000,
    onProgress,
  });
}
