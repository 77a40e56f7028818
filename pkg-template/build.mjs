// Assembles the publishable package in pkg/ from this template and wasm-bindgen's output.
// Usage: node pkg-template/build.mjs <wasm-bindgen out dir> <pkg dir>
// (run by `make build`, after cargo, wasm-bindgen --target web and wasm-opt).
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";

const [glueDir, outDir] = process.argv.slice(2);
const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.join(here, "..");
const stage = path.join(root, "target", "pkg-stage");

// Stage the wrapper sources next to the wasm-bindgen glue so the imports resolve.
fs.rmSync(stage, { recursive: true, force: true });
fs.cpSync(path.join(here, "src"), stage, { recursive: true });
fs.copyFileSync(path.join(glueDir, "atlasbrokers_webhooks.js"), path.join(stage, "glue.js"));
fs.copyFileSync(path.join(glueDir, "atlasbrokers_webhooks_bg.wasm"), path.join(stage, "atlasbrokers_webhooks_bg.wasm"));

fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
const common = { bundle: true, platform: "neutral", target: "es2022", legalComments: "none", logLevel: "warning" };
// The inlined bytes live in wasm.mjs / wasm.cjs, shared by the portable and Node entries.
const sharedBytes = (format) => ({
  name: "shared-wasm-bytes",
  setup(b) {
    b.onResolve({ filter: /^\.\/wasm-inline\.js$/ }, () => ({ path: `./wasm.${format === "cjs" ? "cjs" : "mjs"}`, external: true }));
  },
});
for (const format of ["esm", "cjs"]) {
  const ext = format === "cjs" ? "cjs" : "mjs";
  await build({ ...common, format, entryPoints: [path.join(stage, "wasm-inline.js")], loader: { ".wasm": "binary" }, outfile: path.join(outDir, `wasm.${ext}`) });
  const entry = { ...common, format, plugins: [sharedBytes(format)], external: ["node:crypto"] };
  await build({ ...entry, entryPoints: [path.join(stage, "entry-inline.js")], outfile: path.join(outDir, `index.${ext}`) });
  await build({ ...entry, entryPoints: [path.join(stage, "entry-node.js")], outfile: path.join(outDir, `node.${ext}`) });
}
// The entries that import the .wasm file as a module (their runtimes refuse to compile bytes),
// each with the specifier its bundlers resolve.
for (const [entry, out, wasm] of [
  ["entry-workerd.js", "workerd.mjs", "./atlasbrokers_webhooks_bg.wasm"],
  ["entry-edge-light.js", "edge-light.mjs", "./atlasbrokers_webhooks_bg.wasm?module"],
]) {
  await build({ ...common, format: "esm", entryPoints: [path.join(stage, entry)], outfile: path.join(outDir, out), external: [wasm] });
}
fs.copyFileSync(path.join(stage, "atlasbrokers_webhooks_bg.wasm"), path.join(outDir, "atlasbrokers_webhooks_bg.wasm"));

// Types: the generated catalog followed by the API, once per module system.
const types = ["events.generated.d.ts", "index.d.ts"]
  .map((f) => fs.readFileSync(path.join(here, "types", f), "utf8"))
  .join("\n");
fs.writeFileSync(path.join(outDir, "index.d.mts"), types);
fs.writeFileSync(path.join(outDir, "index.d.cts"), types);

// package.json with the crate's version; README and licence as they are.
const version = fs.readFileSync(path.join(root, "Cargo.toml"), "utf8").match(/^version = "([^"]+)"/m)[1];
const pkg = JSON.parse(fs.readFileSync(path.join(here, "package.json"), "utf8"));
pkg.version = version;
fs.writeFileSync(path.join(outDir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
for (const f of ["README.md", "LICENSE"]) fs.copyFileSync(path.join(here, f), path.join(outDir, f));
// The command-line tool, as written (cli.mjs and its commands in cli/): it imports the Node
// entry by relative path.
fs.copyFileSync(path.join(here, "cli.mjs"), path.join(outDir, "cli.mjs"));
fs.cpSync(path.join(here, "cli"), path.join(outDir, "cli"), { recursive: true });
fs.chmodSync(path.join(outDir, "cli.mjs"), 0o755);
console.log(`built ${outDir} (atlasbrokers-webhooks ${version})`);
