import { describe, expect, it } from "@jest/globals";
import { displayWidth, renderTable } from "../src/table.ts";

describe("displayWidth", () => {
  it("counts colour codes as nothing, wide characters and emoji as two, combining marks as zero", () => {
    expect(displayWidth("default")).toBe(7);
    expect(displayWidth("\u001b[1mNAME\u001b[22m")).toBe(4);
    expect(displayWidth("模型")).toBe(4);
    expect(displayWidth("🚀 run")).toBe(6);
    expect(displayWidth("e\u0301te\u200d")).toBe(3);
    expect(displayWidth("●")).toBe(1);
  });
});

describe("renderTable", () => {
  it("pads every column to its widest cell, measured in terminal columns", () => {
    const table = renderTable(
      ["\u001b[1mNAME\u001b[22m", "FLAVOR"],
      [
        ["default", "local"],
        ["模型", "s3"],
      ],
    );
    expect(table.split("\n")).toEqual([
      "┌─────────┬────────┐",
      "│ \u001b[1mNAME\u001b[22m    │ FLAVOR │",
      "├─────────┼────────┤",
      "│ default │ local  │",
      "│ 模型    │ s3     │",
      "└─────────┴────────┘",
    ]);
  });

  it("separates rows by rules when a cell spans several lines", () => {
    const table = renderTable(
      ["KEY", "VALUE"],
      [
        ["a", "one\ntwo"],
        ["b", "three"],
      ],
    );
    expect(table.split("\n")).toEqual([
      "┌─────┬───────┐",
      "│ KEY │ VALUE │",
      "├─────┼───────┤",
      "│ a   │ one   │",
      "│     │ two   │",
      "├─────┼───────┤",
      "│ b   │ three │",
      "└─────┴───────┘",
    ]);
  });

  it("draws the header alone when there are no rows, and fills missing cells", () => {
    expect(renderTable(["A", "B"], []).split("\n")).toHaveLength(4);
    expect(renderTable(["A", "B"], [["x"]]).split("\n")[3]).toBe("│ x │   │");
  });
});
