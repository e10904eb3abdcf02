// What an agent is typing, kept in this browser by conversation (and by reply or note), so a
// reload, a switch to another conversation or the conversation being taken away loses nothing.
const key = (conversationId, mode) => `cs-draft:${mode}:${conversationId}`;

export function loadDraft(conversationId, mode) {
  return localStorage.getItem(key(conversationId, mode)) ?? '';
}

export function saveDraft(conversationId, mode, text) {
  if (text) localStorage.setItem(key(conversationId, mode), text);
  else localStorage.removeItem(key(conversationId, mode));
}
