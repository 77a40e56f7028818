// The API suite through ESM `import` of the installed package.
import suite from "./suite.cjs";
import * as pkg from "atlasbrokers-webhooks";

suite(pkg, "import");
