/** Replaces the password of every `scheme://[user]:password@` in a text with "***": lock files, messages and configs never carry it. */
export function maskSecrets(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s"']*:)[^@\s"'/]*@/gi, '$1***@');
}
