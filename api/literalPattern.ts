// A user's search words as a case-insensitive regular expression that matches them literally.
export const literalPattern = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
