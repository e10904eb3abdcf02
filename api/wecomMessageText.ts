// A text the api accepts only if it fits one WeCom message (2,048 bytes of UTF-8): a KB answer, a
// quick reply. Said at the edge, so it never has to be cut on its way to the customer.
import { z } from 'zod';
import { utf8Length, WECOM_TEXT_MAX_BYTES } from '../domain/wecomText';

export const wecomMessageText = z
  .string()
  .trim()
  .min(1)
  .max(WECOM_TEXT_MAX_BYTES)
  .refine(
    (text) => utf8Length(text) <= WECOM_TEXT_MAX_BYTES,
    `must fit one WeCom message (${WECOM_TEXT_MAX_BYTES} bytes)`,
  );
