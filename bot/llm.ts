// The optional LLM (any OpenAI-compatible endpoint): rewrites a KB answer for the customer's
// wording, grounded only on the retrieved entries; classifies a message the rules could not place;
// writes the handoff summary. Text is masked first. Every call has a timeout, and any failure
// returns undefined so the caller keeps the built-in result: the LLM never blocks a conversation.
import OpenAI from 'openai';
import { clientSpan } from '../tracing/spans';
import type { TranscriptEntry } from '../workflows/conversationContract';
import { maskPersonalData } from './mask';

/**
 * Starts every summary the model wrote, wherever it is shown (the handoff card, the mirror, the
 * events): an agent must know it is the model's reading, not the customer's words. The workspace
 * (web/console/workspace/detail.js) turns it into a badge.
 */
export const MODEL_WRITTEN_MARK = '【AI 摘要】';

export interface LlmOptions {
  baseURL?: string;
  apiKey: string;
  model: string;
  timeoutMs?: number;
  onCall?: (call: { task: string; ms: number; ok: boolean }) => void;
}

export class LlmAssistant {
  private readonly client: OpenAI;

  constructor(private readonly options: LlmOptions) {
    this.client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey,
      timeout: options.timeoutMs ?? 8000,
      maxRetries: 0,
    });
  }

  private async complete(task: string, system: string, user: string): Promise<string | undefined> {
    const started = Date.now();
    try {
      // GenAI semantic conventions; never the prompt or the answer.
      const { model } = this.options;
      const res = await clientSpan(
        `chat ${model}`,
        { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model, 'cs.llm.task': task },
        async (span) => {
          const completion = await this.client.chat.completions.create({
            model,
            temperature: 0,
            messages: [
              { role: 'system', content: system },
              { role: 'user', content: maskPersonalData(user) },
            ],
          });
          if (completion.usage) {
            span.setAttribute('gen_ai.usage.input_tokens', completion.usage.prompt_tokens);
            span.setAttribute('gen_ai.usage.output_tokens', completion.usage.completion_tokens);
          }
          return completion;
        },
      );
      const text = res.choices[0]?.message?.content?.trim();
      this.options.onCall?.({ task, ms: Date.now() - started, ok: Boolean(text) });
      return text || undefined;
    } catch {
      this.options.onCall?.({ task, ms: Date.now() - started, ok: false });
      return undefined;
    }
  }

  /** The answer in the customer's terms, using only the given entries; undefined → use the KB text. */
  rewriteAnswer(question: string, entries: { question: string; answer: string }[]): Promise<string | undefined> {
    const context = entries.map((e, i) => `【${i + 1}】问：${e.question}\n答：${e.answer}`).join('\n\n');
    return this.complete(
      'rewrite',
      '你是电商客服助手。只根据给出的知识库条目回答，不得编造条目中没有的信息；若条目不足以回答，只回复“NO_ANSWER”。用简洁友好的中文回答。',
      `知识库条目：\n${context}\n\n客户问题：${question}`,
    ).then((text) => (text && !text.includes('NO_ANSWER') ? text : undefined));
  }

  /** For a message the rules could not place: one of the given labels, or undefined. */
  async classify(message: string, labels: string[]): Promise<string | undefined> {
    const text = await this.complete(
      'classify',
      `把客户消息归入以下一个标签，只输出标签本身：${labels.join(', ')}, none`,
      message,
    );
    return text && labels.includes(text) ? text : undefined;
  }

  /** A two- or three-sentence summary for the agent who takes over, marked as the model's. */
  async summarize(reason: string, transcript: TranscriptEntry[]): Promise<string | undefined> {
    const lines = transcript
      .slice(-20)
      .map((t) => `${t.from === 'customer' ? '客户' : t.from === 'bot' ? '机器人' : '客服'}：${t.text}`);
    const summary = await this.complete(
      'summary',
      '为接手的人工客服写2-3句中文摘要：客户的问题、已经尝试过什么、客户的情绪。不要编造。',
      `转人工原因：${reason}\n对话：\n${lines.join('\n')}`,
    );
    return summary && `${MODEL_WRITTEN_MARK}${summary.replaceAll(MODEL_WRITTEN_MARK, '')}`;
  }
}
