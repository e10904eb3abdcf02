// WeCom measures text limits in UTF-8 bytes (a Chinese character is 3): send_msg text ≤ 2048.
export const WECOM_TEXT_MAX_BYTES = 2048;

export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) bytes += charBytes(char);
  return bytes;
}

function charBytes(char: string): number {
  const code = char.codePointAt(0)!;
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

const ELLIPSIS = '…';

/**
 * Cuts a text into parts WeCom accepts, at a line or sentence end where one is near, at most
 * `maxParts` of them (each part is one of the customer's five replies); what is left over is
 * dropped behind an ellipsis rather than refused.
 */
export function splitForWecom(text: string, maxParts = 2, maxBytes = WECOM_TEXT_MAX_BYTES): string[] {
  const parts: string[] = [];
  let rest = [...text];
  while (rest.length > 0 && parts.length < maxParts) {
    const last = parts.length === maxParts - 1;
    const budget = last && utf8Length(rest.join('')) > maxBytes ? maxBytes - charBytes(ELLIPSIS) : maxBytes;
    let bytes = 0;
    let end = 0;
    while (end < rest.length && bytes + charBytes(rest[end]!) <= budget) bytes += charBytes(rest[end++]!);
    if (end < rest.length && !last) end = sentenceEnd(rest, end);
    const part = rest.slice(0, end).join('');
    rest = rest.slice(end);
    parts.push(last && rest.length > 0 ? `${part}${ELLIPSIS}` : part);
  }
  return parts.filter((part) => part.trim().length > 0);
}

/** The last line or sentence end in the second half of the window, else the window's end. */
function sentenceEnd(chars: string[], end: number): number {
  for (let i = end; i > end / 2; i--) if (/[\n。！？!?；;]/.test(chars[i - 1]!)) return i;
  return end;
}
