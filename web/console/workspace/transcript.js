// The conversation's lines as the agent reads them: the customer's, the bot's (with the knowledge
// entry it answered from), the agents', the system's notices, and internal notes and a helper's
// whispers (never sent to the customer). Lines come from the stored transcript, the live snapshot and the notes, merged by
// id and ordered by time.
import { make } from './dom.js';
import { clockTime } from './format.js';

/**
 * Actions shown under each bot answer that came from the knowledge base: functions of
 * (line, conversation) returning a node or nothing. Empty here; a feature that acts on bot answers
 * (marking one right or wrong, say) registers itself with addBotAnswerAction().
 */
const botAnswerActions = [];

export function addBotAnswerAction(action) {
  botAnswerActions.push(action);
}

const SPEAKERS = { customer: '客户', bot: '机器人', system: '系统' };

function lineNode(line, conversation) {
  if (line.kind === 'note' && line.whisper) {
    const note = make('div', undefined, 'line note whisper');
    note.append(
      make('small', `悄悄话 · ${line.authorName} → ${line.to} · ${clockTime(line.at)}（客户不可见）`),
      line.text,
    );
    return note;
  }
  if (line.kind === 'note') {
    const note = make('div', undefined, 'line note');
    note.append(make('small', `内部备注 · ${line.authorName} · ${clockTime(line.at)}（客户不可见）`), line.text);
    return note;
  }
  const node = make('div', undefined, `line ${line.from}`);
  const who = line.from === 'agent' ? `客服 ${line.agentId ?? ''}` : (SPEAKERS[line.from] ?? line.from);
  node.append(make('small', `${who} · ${clockTime(line.at)}`), line.text);
  if (line.from === 'bot' && line.kbEntryId) {
    const extras = botAnswerActions.map((action) => action(line, conversation)).filter(Boolean);
    if (extras.length > 0) {
      const bar = make('div', undefined, 'line-actions');
      bar.append(...extras);
      node.append(bar);
    }
  }
  return node;
}

/** Keeps every line seen for the open conversation, whichever source brought it. */
export class Transcript {
  constructor(conversationId) {
    this.conversationId = conversationId;
    this.lines = new Map();
    this.notes = [];
  }

  /** Stored messages (GET …/messages) or the snapshot's lines. */
  add(lines) {
    for (const line of lines) {
      const at = line.at ?? new Date(line.sentAt).getTime();
      if (!line.text) continue;
      this.lines.set(line.msgid, { ...line, at });
    }
  }

  setNotes(notes) {
    this.notes = notes.map((note) => ({
      ...note,
      kind: 'note',
      whisper: note.kind === 'whisper',
      at: new Date(note.at).getTime(),
    }));
  }

  ordered() {
    return [...this.lines.values(), ...this.notes].sort((a, b) => a.at - b.at);
  }

  /** The customer's latest line: the question the knowledge base is asked about. */
  lastCustomerText() {
    return [...this.lines.values()]
      .filter((l) => l.from === 'customer')
      .sort((a, b) => a.at - b.at)
      .at(-1)?.text;
  }

  render(container, conversation) {
    const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 40;
    container.replaceChildren(...this.ordered().map((line) => lineNode(line, conversation)));
    if (atBottom || !this.drawn) container.scrollTop = container.scrollHeight;
    this.drawn = true;
  }
}
