// The Node suite's chart: for each body size, each peer's time relative to ours (log scale;
// right of the line: ours is faster). A small hand-written SVG, no charting dependency.
export function nodeChart(results, sizes, oursName) {
  const names = Object.keys(results).filter((n) => n !== oursName);
  const ratios = names.map((n) => sizes.map((_, i) => results[n][Object.keys(results[n])[i]].median / results[oursName][Object.keys(results[oursName])[i]].median));
  const colors = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"];
  const [left, width, rowH, gap, top] = [330, 420, 11, 14, 40];
  const min = Math.log2(1 / 16);
  const max = Math.log2(16);
  const x = (ratio) => left + ((Math.log2(Math.min(16, Math.max(1 / 16, ratio))) - min) / (max - min)) * width;
  const blockH = names.length * rowH + gap;
  const height = top + sizes.length * blockH + 30;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 60}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="10" y="18" font-size="13" font-weight="bold">Node: each library's verify + parse time relative to ours (log scale; right of 1×: ours is faster)</text>`,
  ];
  for (const tick of [1 / 16, 1 / 4, 1, 4, 16]) {
    const label = tick >= 1 ? `${tick}×` : `1/${1 / tick}×`;
    parts.push(`<line x1="${x(tick)}" y1="${top - 8}" x2="${x(tick)}" y2="${height - 25}" stroke="${tick === 1 ? "#000" : "#ccc"}"/>`);
    parts.push(`<text x="${x(tick)}" y="${height - 12}" text-anchor="middle">${label}</text>`);
  }
  sizes.forEach((size, s) => {
    const y0 = top + s * blockH;
    parts.push(`<text x="10" y="${y0 + (names.length * rowH) / 2 + 4}" font-weight="bold">${size} B</text>`);
    names.forEach((name, n) => {
      const y = y0 + n * rowH;
      const r = ratios[n][s];
      const [a, b] = [x(1), x(r)].sort((p, q) => p - q);
      parts.push(`<text x="${left - 6}" y="${y + rowH - 2}" text-anchor="end" font-size="10">${name.replace(/&/g, "&amp;")}</text>`);
      parts.push(`<rect x="${a}" y="${y + 1}" width="${Math.max(1, b - a)}" height="${rowH - 2}" fill="${colors[n % colors.length]}"/>`);
      parts.push(`<text x="${x(r) + (r >= 1 ? 3 : -3)}" y="${y + rowH - 2}" text-anchor="${r >= 1 ? "start" : "end"}" font-size="9">${r.toFixed(2)}×</text>`);
    });
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
