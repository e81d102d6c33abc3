// Sticky (y): each matches at lastIndex only, so the expression is read in place, never copied from there on.
const SPACE = /\s+/y;
const OPERAND = /"(?:[^"\\]|\\.)*"|[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|[A-Za-z_][\w-]*/y;
const KEYWORD = /^(for|in|if|null|true|false)$/;
const OPERATOR = /\.\.\.|=>|==|!=|<=|>=|&&|\|\||[-+*/%<>!?:=,.([{]/y;
const CLOSING = /[)\]}]/y;

/** The length of what `pattern` matches at `at` in `text`, or 0. */
function matchAt(pattern: RegExp, text: string, at: number): number {
  pattern.lastIndex = at;
  return pattern.test(text) ? pattern.lastIndex - at : 0;
}

/**
 * Finds text that cannot be a Terraform expression, as when a token's raw text lands inside `${...}`
 * without quotes. Not a full HCL parser: it knows the lexical shape of expressions and that two operands never
 * stand side by side, which is what pasted text breaks.
 */
export function expressionProblem(expression: string): string | undefined {
  let previous: "operand" | "operator" = "operator";
  for (let i = 0; i < expression.length;) {
    const space = matchAt(SPACE, expression, i);
    if (space) {
      i += space;
      continue;
    }
    const operand = matchAt(OPERAND, expression, i);
    if (operand) {
      const keyword = KEYWORD.test(expression.slice(i, i + operand));
      if (previous === "operand" && !keyword) return near(expression, i, "two values side by side");
      previous = keyword ? "operator" : "operand";
      i += operand;
      continue;
    }
    const operator = matchAt(OPERATOR, expression, i);
    if (operator) {
      previous = "operator";
      i += operator;
      continue;
    }
    if (matchAt(CLOSING, expression, i)) {
      previous = "operand";
      i += 1;
      continue;
    }
    return near(expression, i, `'${expression[i]}' cannot appear in an expression`);
  }
  return undefined;
}

function near(expression: string, at: number, what: string): string {
  const excerpt = expression.slice(Math.max(0, at - 20), at + 20).replace(/\s+/g, " ");
  return `${what}, near '${excerpt}'`;
}
