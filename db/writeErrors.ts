// What an unordered bulk write (insertMany, bulkWrite with ordered: false) reports of the documents
// it could not write: the driver names each by its index in the batch; the others were written.

export interface WriteError {
  index: number;
  code: number;
}

/** The failed documents an unordered bulk write's error names (none when it names none: the whole call failed). */
export function writeErrorsOf(error: unknown): WriteError[] {
  const writeErrors = (error as { writeErrors?: WriteError[] | WriteError } | undefined)?.writeErrors;
  return writeErrors === undefined ? [] : [writeErrors].flat();
}
