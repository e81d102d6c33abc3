/**
 * Finds text that cannot be a Terraform expression, as when a token's raw text lands inside `${...}`
 * without quotes. Not a full HCL parser: it knows the lexical shape of expressions and that two operands never
 * stand side by side, which is what pasted text breaks.
 */
export function expressionProblem(expression: string): string | undefined {
  let previous: "operand" | "operator" = "operator";
  for (let i = 0; i < expression.length;) {
    const rest = expression.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const operand = /^("(?:[^"\\]|\\.)*"|[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|[A-Za-z_][\w-]*)/.exec(rest);
    if (operand) {
      const keyword = /^(for|in|if|null|true|false)$/.test(operand[0]);
      if (previous === "operand" && !keyword) return near(expression, i, "two values side by side");
      previous = keyword ? "operator" : "operand";
      i += operand[0].length;
      continue;
    }
    const operator = /^(\.\.\.|=>|==|!=|<=|>=|&&|\|\||[-+*/%<>!?:=,.([{])/.exec(rest);
    if (operator) {
      previous = "operator";
      i += operator[0].length;
      continue;
    }
    if (/^[)\]}]/.test(rest)) {
      previous = "operand";
      i += 1;
      continue;
    }
    return near(expression, i, `'${rest[0]}' cannot appear in an expression`);
  }
  return undefined;
}

function near(expression: string, at: number, what: string): string {
  const excerpt = expression.slice(Math.max(0, at - 20), at + 20).replace(/\s+/g, " ");
  return `${what}, near '${excerpt}'`;
}
