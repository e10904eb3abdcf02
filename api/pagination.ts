// Every list takes a limit (bounded) and an offset, so no request can ask for a whole collection.
import { z } from 'zod';

export function pageQuery(defaultLimit: number, maxLimit: number) {
  return {
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(maxLimit)
      .default(defaultLimit)
      .describe(`How many items (at most ${maxLimit}).`),
    offset: z.coerce.number().int().min(0).max(100_000).default(0).describe('How many items to skip.'),
  };
}
