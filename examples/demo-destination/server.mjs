// A local stand-in for Zapier's Catch Hook and Make's Custom Webhook (`make dev` starts it):
// prints each forwarded delivery. Zapier answers JSON, Make answers "Accepted", as they do.
//   node examples/demo-destination/server.mjs      (PORT, default 8788; loopback only)
import http from "node:http";

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const h = req.headers;
    console.log(
      `\n[demo ${req.url}] ${h["x-atlas-event"] ?? "?"} attempt ${h["x-atlas-attempt"] ?? "?"}` +
        `  delivery ${h["x-atlas-delivery-id"] ?? "?"}\n${body}`,
    );
    if (req.url.startsWith("/make")) {
      res.writeHead(200, { "content-type": "text/plain" }).end("Accepted");
    } else {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"success"}');
    }
  });
});
server.listen(Number(process.env.PORT ?? 8788), "127.0.0.1", () => {
  console.log(`demo destination on http://127.0.0.1:${server.address().port} (/zapier, /make)`);
});
