// The same types through `require` (index.d.cts).
import atlas = require("atlasbrokers-webhooks");

const wh = new atlas.Webhook("whsec");
const event = wh.verify(atlas.sampleBody("deal.won"), "sig");
if (event.event === "deal.won") {
  const value: number = event.data.value;
  void value;
}
// @ts-expect-error wrong event name
wh.on("deal.wonn", () => {});
