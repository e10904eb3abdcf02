// What the conversation says to the customer outside KB answers. The texts are data
// (replies.json); this module only fills in the placeholders.
import texts from './replies.json';

const fill = (template: string, values: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? '');

export const replies = {
  ...texts,
  assigned: (name: string) => fill(texts.assigned, { name }),
  inWecomPool: (waitMs: number) =>
    fill(texts.inWecomPool, { minutes: String(Math.max(1, Math.round(waitMs / 60_000))) }),
  ticketCreated: (ticketNo: string) => fill(texts.ticketCreated, { ticketNo }),
  queuePosition: (ahead: number, waitMs?: number) =>
    fill(texts.queuePosition, {
      ahead: String(ahead),
      wait:
        waitMs === undefined
          ? ''
          : fill(texts.queueWaitAbout, { minutes: String(Math.max(1, Math.round(waitMs / 60_000))) }),
    }),
  messageLeft: (ticketNo: string, when: string) => fill(texts.messageLeft, { ticketNo, when }),
  messageLeftOutsideHours: (ticketNo: string, opening: string) =>
    fill(texts.messageLeftOutsideHours, { ticketNo, opening }),
  ticketCreatedEnded: (ticketNo: string) => fill(texts.ticketCreatedEnded, { ticketNo }),
  ticketPending: (ticketNo: string) => fill(texts.ticketPending, { ticketNo }),
  ticketStatus: (ticketNo: string, status: keyof typeof texts.ticketStatusNames, note?: string) =>
    fill(texts.ticketStatus, { ticketNo, status: texts.ticketStatusNames[status] ?? status, note: note ?? '' }).trim(),
};
