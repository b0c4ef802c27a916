/** The last `count` non-empty lines of a process's output, indented for an error paragraph. */
export function lastLines(output: string, count: number): string {
  return output
    .split(/\r?\n/)
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0)
    .slice(-count)
    .map((line) => `  ${line}`)
    .join('\n');
}
