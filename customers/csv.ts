// A CSV reader for customer imports (RFC 4180: comma-separated, double-quoted fields with "" for a
// quote, fields that span lines, CRLF or LF, a UTF-8 BOM as Excel writes it). Blank lines are skipped.

/** The records of a CSV text, each with the line it starts on. */
export function readCsv(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') records.push({ line: startLine, fields });
    fields = [];
    field = '';
    startLine = line;
  };
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      line++;
      endRecord();
    } else field += ch;
  }
  if (quoted) throw new Error(`a quoted field opened on line ${startLine} is never closed`);
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}
