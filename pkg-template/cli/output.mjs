// The command line's output: colour only on a terminal without NO_COLOR (and never with --json),
// one JSON value per line with --json, and a closed pipe ending the output quietly.
const noColor = process.env.NO_COLOR != null && process.env.NO_COLOR !== "";
let colour = Boolean(process.stdout.isTTY) && !noColor;
const paint = (code) => (s) => (colour ? `\x1b[${code}m${s}\x1b[0m` : String(s));
export const green = paint("32");
export const red = paint("31");
export const dim = paint("2");
export const bold = paint("1");

/** No colour from now on (--json). */
export function plain() {
  colour = false;
}

// A closed pipe (`| head`) ends the output, not the tool with a stack trace.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});
export const out = (line = "") => process.stdout.write(line + "\n");
export const err = (line = "") => process.stderr.write(line + "\n");
export const json = (value) => out(JSON.stringify(value));

export const truncate = (text, max = 500) => (text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text);
/** Milliseconds to one decimal. */
export const round = (ms) => Math.round(ms * 10) / 10;
