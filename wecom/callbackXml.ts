// Parsing of WeCom callback XML (the outer envelope and the decrypted kf event) with
// fast-xml-parser. Values stay strings: ids must not be turned into numbers.
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';

const parser = new XMLParser({ parseTagValue: false, trimValues: true, processEntities: false });

export class CallbackXmlError extends Error {
  override name = 'CallbackXmlError';
}

function parseXml(xml: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (error) {
    throw new CallbackXmlError(`malformed XML: ${(error as Error).message}`);
  }
  const root = (doc as { xml?: unknown } | undefined)?.xml;
  if (!root || typeof root !== 'object') throw new CallbackXmlError('missing <xml> root');
  return root as Record<string, unknown>;
}

const envelope = z.object({ Encrypt: z.string().min(1), ToUserName: z.string().optional() });

/** The POST body: `<xml><ToUserName/><Encrypt/><AgentID/></xml>`. */
export function parseEnvelope(xml: string): { encrypt: string; toUserName?: string } {
  const parsed = envelope.safeParse(parseXml(xml));
  if (!parsed.success) throw new CallbackXmlError('no <Encrypt> in the callback body');
  return { encrypt: parsed.data.Encrypt, toUserName: parsed.data.ToUserName };
}

const kfEvent = z.object({
  ToUserName: z.string(),
  CreateTime: z.coerce.number(),
  MsgType: z.string(),
  Event: z.string().optional(),
  Token: z.string().optional(),
  OpenKfId: z.string().optional(),
});

export type CallbackEvent = z.infer<typeof kfEvent>;

/** The decrypted message; a kf callback is MsgType event, Event kf_msg_or_event. */
export function parseCallbackEvent(xml: string): CallbackEvent {
  const parsed = kfEvent.safeParse(parseXml(xml));
  if (!parsed.success)
    throw new CallbackXmlError(`unexpected callback message: ${parsed.error.issues[0]?.path.join('.')}`);
  return parsed.data;
}
