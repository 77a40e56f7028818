// Serves the inspector on http://127.0.0.1:8080 (PORT to change): this folder at /, and the
// built package (`make build` -> pkg/) at /atlasbrokers-webhooks/. Loopback only.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const roots = [
  ["/atlasbrokers-webhooks/", path.join(here, "..", "..", "pkg")],
  ["/", here],
];
const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm" };

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://localhost");
  const pathname = url.pathname === "/" ? "/index.html" : decodeURIComponent(url.pathname);
  const [prefix, dir] = roots.find(([p]) => pathname.startsWith(p));
  const file = path.join(dir, pathname.slice(prefix.length));
  if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404).end("not found");
    return;
  }
  res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
  fs.createReadStream(file).pipe(res);
});
server.listen(Number(process.env.PORT ?? 8080), "127.0.0.1", () => {
  console.log(`inspector at http://127.0.0.1:${server.address().port}/`);
});
