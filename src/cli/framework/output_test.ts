import assert from "node:assert/strict";
import { CHECK, displayWidth, renderTable } from "./output.ts";

Deno.test("displayWidth counts terminal columns: wide characters and emoji 2, marks 0", () => {
  const cases: [string, number][] = [
    ["work", 4],
    [CHECK, 1], // ✔ has a text presentation: one column
    ["工作", 4],
    ["한국", 4],
    ["ｗｏｒｋ", 8], // fullwidth Latin
    ["e\u0301", 1], // e + combining acute accent
    ["😀", 2],
    ["❤️", 2], // a text character made an emoji by VS16
    ["👨‍👩‍👧", 2], // one cluster joined by ZWJ
    ["🇫🇷", 2], // a flag: two regional indicators
    ["Zoë’s café", 10], // Latin-1 and punctuation
    ["│ ─ ┼", 5], // box drawing
    ["a\u00adb", 2], // a soft hyphen takes no column
    ["©", 1],
    ["", 0],
  ];
  for (const [text, width] of cases) assert.equal(displayWidth(text), width, JSON.stringify(text));
});

Deno.test("tables line up site names in CJK, with emoji or combining marks", () => {
  const rows = [["工作", "work.example", CHECK], ["café\u0301", "c.example", ""], [
    "😀 dev",
    "dev.example",
    "",
  ]];
  const plain = renderTable(["Site", "Domain", "Default"], rows);
  const lines = plain.trimEnd().split("\n");
  // Every row's second column starts at the same terminal column.
  const starts = lines.filter((line) => !line.startsWith("-")).map((line) => {
    const domain = /\S+\.example|Domain/.exec(line)!;
    return displayWidth(line.slice(0, domain.index));
  });
  assert.deepEqual(new Set(starts).size, 1, plain);
  const boxed = renderTable(["Site", "Domain"], rows.map((row) => row.slice(0, 2)), {
    borders: true,
    color: false,
  });
  const widths = boxed.trimEnd().split("\n").map(displayWidth);
  assert.equal(new Set(widths).size, 1, boxed);
});
