// WeCom counts send_msg text in UTF-8 bytes (≤ 2048). Cuts on a character boundary, never inside one.
import { WECOM_TEXT_MAX_BYTES } from '../domain/wecomText';

export function truncateUtf8(text: string, maxBytes = WECOM_TEXT_MAX_BYTES): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const ellipsis = '…';
  let out = '';
  let bytes = Buffer.byteLength(ellipsis);
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    out += char;
    bytes += size;
  }
  return out + ellipsis;
}
