// WeCom measures text limits in UTF-8 bytes (a Chinese character is 3): send_msg text ≤ 2048.
export const WECOM_TEXT_MAX_BYTES = 2048;

export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
