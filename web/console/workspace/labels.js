// The words the workspace shows for the product's ids (states, reasons, moods, skills…), from the
// api (domain/labels.json and the KB file's skills), so the interface speaks one language.
export const labels = {};

export async function loadLabels(api) {
  Object.assign(labels, await api('GET', '/api/workspace/labels'));
}

/** The word for an id in a group, else the id itself. */
export const word = (group, id) => (id === undefined || id === null ? '' : (labels[group]?.[id] ?? String(id)));
