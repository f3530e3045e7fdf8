/** A write error with the file it was writing (a full disk's ENOSPC carries none), for the CLI's one-line message. */
export function withFile(err: unknown, file: string): unknown {
  const e = err as NodeJS.ErrnoException | null;
  if (e && typeof e === 'object' && e.code && !e.path) e.path = file;
  return err;
}
