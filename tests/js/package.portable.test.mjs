// The API suite through the portable entry (index.mjs: what browsers, bundlers and the
// `import` condition outside Node get), whose HMAC runs wholly in wasm. package.test.mjs runs
// the same suite through the Node entry, which hashes large bodies with node:crypto.
import { createRequire } from "node:module";
import suite from "./suite.cjs";

const require = createRequire(import.meta.url);
const dir = require.resolve("atlasbrokers-webhooks/package.json").replace(/package\.json$/, "");
suite(await import(`${dir}index.mjs`), "portable import");
