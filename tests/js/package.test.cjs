// The API suite through CommonJS `require` of the installed package.
require("./suite.cjs")(require("atlasbrokers-webhooks"), "require");
