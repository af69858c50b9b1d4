// Bounds on what one log file may cost: hostile or broken logs become errors on the row, never a hang or
// an out-of-memory. Hunting streams, so these bound one record, not the file.

export const LOG_LIMITS = {
  /** A longer line is cut here and reported (Windows event messages run to a few KB; 1 MiB is generous). */
  maxLineChars: 1024 * 1024,
  /** One JSON record spanning many lines (pretty-printed exports) may not exceed this. */
  maxRecordChars: 16 * 1024 * 1024,
  /** Postfix queue ids remembered while joining lines; the oldest is forgotten first. */
  maxOpenQueueIds: 100_000,
  /** Decompressed bytes read from one file or archive member. */
  maxFileBytes: 8 * 1024 * 1024 * 1024,
  /** Errors kept per file (the count is always exact). */
  maxErrorsKept: 20,
} as const;
