// Deterministic WeCom msgids (≤ 32 bytes of [0-9a-zA-Z_-]): derived from the conversation id and
// the workflow's own outbound counter, so a retried send activity reuses the msgid and WeCom
// refuses the duplicate instead of delivering it twice.

/** FNV-1a 64-bit over the UTF-16 code units, as base36 (≤ 13 characters). */
export function stableHash(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(36);
}

export function outboundMsgid(conversationId: string, seq: number, part = 0): string {
  const base = `cs${stableHash(conversationId)}_${seq.toString(36)}`;
  return part === 0 ? base : `${base}_${part}`;
}
