// Small pieces of Markdown the scenarios' reports share.

/** Text as one line of inline code (an error, a process's output), at most `max` characters. */
export function inlineCode(text: string, max = 1_500): string {
  const line = text
    .trim()
    .replace(/\s*\n\s*/g, ' ⏎ ')
    .replace(/`/g, "'");
  return `\`${line.length > max ? `${line.slice(0, max)}…` : line}\``;
}
