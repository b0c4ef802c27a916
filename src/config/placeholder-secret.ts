const placeholders = [/^$/, /^change[-_ ]?(me|this|it)([-_ ].*)?$/i, /^(placeholder|password|secret|todo|fixme|example|xxx+|\*+)$/i, /^<.*>$/, /^\$\{.*\}$/];

/** True for an empty value or one that only marks where a real secret should go. */
export function isPlaceholderSecret(value: string): boolean {
  const trimmed = value.trim();
  return placeholders.some((pattern) => pattern.test(trimmed));
}
