import { liveSequences, templateSequences } from "../../../constructs/host/interpolations";

const texts = (text: string) => templateSequences(text).map((s) => text.slice(s.start, s.end));

describe("the sequences Terraform evaluates in a template", () => {
  it.each([
    ["plain text, braces and all: { } $ % {}", []],
    ["a ${var.x} and a %{ if true }directive%{ endif }", ["${var.x}", "%{ if true }", "%{ endif }"]],
    ["escaped: $${not} %%{not}", []],
    // Terraform reads `$${` as the escape wherever it first stands: here after one literal `$`.
    ["$$${x}", []],
    ["$%{x} %${y}", ["%{x}", "${y}"]],
    ["${a}${b}{c}", ["${a}", "${b}"]],
    ['${join("}", ["${x}"])} after', ['${join("}", ["${x}"])}']],
    ["${unclosed", []],
  ])("%s", (text, expected) => {
    expect(texts(text)).toEqual(expected);
  });

  it("finds sequences inside the quoted strings of an expression", () => {
    expect(liveSequences('${yamlencode({"a" = "${b}", "c" = "$${d}"})}')).toEqual([
      '${yamlencode({"a" = "${b}", "c" = "$${d}"})}',
      "${b}",
    ]);
  });
});
