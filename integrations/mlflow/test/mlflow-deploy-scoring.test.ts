/** MLflow's scoring protocol as zen's Node prediction server reads it: the four input forms and the requests it refuses. */
import { describe, expect, it } from "@jest/globals";
import { parseScoringInput, ScoringInputError } from "../src/deployer/scoring-input.ts";

describe("the scoring protocol of the Node prediction server", () => {
  it("reads the four input forms into columns and rows", () => {
    const rows = [
      [1, "a"],
      [2, "b"],
    ];
    expect(parseScoringInput({ dataframe_split: { columns: ["x", "y"], data: rows } })).toEqual({ columns: ["x", "y"], rows, params: undefined });
    expect(parseScoringInput({ dataframe_split: { data: rows } })).toEqual({ columns: undefined, rows, params: undefined });
    // Records may leave out a column: it is null there, and columns keep their first-seen order.
    expect(parseScoringInput({ dataframe_records: [{ x: 1 }, { y: "b", x: 2 }] })).toEqual({
      columns: ["x", "y"],
      rows: [
        [1, null],
        [2, "b"],
      ],
      params: undefined,
    });
    expect(parseScoringInput({ inputs: rows }).rows).toEqual(rows);
    expect(parseScoringInput({ instances: [3, 4] })).toEqual({ columns: undefined, rows: [[3], [4]], params: undefined });
    expect(parseScoringInput({ instances: [{ x: 1, y: "a" }] })).toEqual({ columns: ["x", "y"], rows: [[1, "a"]], params: undefined });
    expect(parseScoringInput({ inputs: { x: [1, 2], y: ["a", "b"] }, params: { k: 3 } })).toEqual({ columns: ["x", "y"], rows, params: { k: 3 } });
  });

  it("refuses requests it cannot read, with a message the client can act on", () => {
    const refused = (body: unknown) => {
      try {
        parseScoringInput(body);
      } catch (error) {
        expect(error).toBeInstanceOf(ScoringInputError);
        return (error as Error).message;
      }
      throw new Error(`accepted ${JSON.stringify(body)}`);
    };
    expect(refused([1, 2])).toMatch(/JSON object with one of the keys dataframe_split, dataframe_records, inputs, instances/);
    expect(refused({ data: [[1]] })).toMatch(/none of the keys .* \(it has: data\)/);
    expect(refused({ inputs: [[1]], instances: [[1]] })).toMatch(/more than one of the keys inputs, instances/);
    expect(refused({ dataframe_split: { columns: ["x"] } })).toMatch(/dataframe_split must be an object with data/);
    expect(refused({ dataframe_split: { columns: [1], data: [[1]] } })).toMatch(/dataframe_split.columns must be an array of strings/);
    expect(refused({ dataframe_split: { data: [1] } })).toMatch(/dataframe_split.data\[0\] is not an array/);
    expect(refused({ dataframe_records: [{ x: 1 }, 2] })).toMatch(/dataframe_records\[1\] is not an object/);
    expect(refused({ inputs: { x: [1, 2], y: [1] } })).toMatch(/columns of inputs have different lengths/);
    expect(refused({ inputs: "text" })).toMatch(/inputs must be an array or an object of arrays/);
    expect(refused({ inputs: [[1]], params: [1] })).toMatch(/params must be an object/);
  });
});
