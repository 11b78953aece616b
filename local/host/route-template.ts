/**
 * Azure Functions HTTP route templates (`environments/{env}/runs/{id:guid}`, `{*rest}`, `{name?}`),
 * compiled to matchers. Which of several matching templates wins is not decided here: the host tries
 * them in function-name order (route-order.ts), not by ASP.NET's template precedence.
 */
export interface CompiledRoute {
  template: string;
  match(path: string): Record<string, string> | undefined;
}

const CONSTRAINTS: Record<string, string> = {
  guid: '[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}',
  int: '-?\\d+',
  long: '-?\\d+',
  alpha: '[a-zA-Z]+',
  bool: '(?:true|false)',
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function compileRouteTemplate(template: string): CompiledRoute {
  const segments = template
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .filter((s) => s.length > 0);
  const names: string[] = [];
  let pattern = '^';
  for (const segment of segments) {
    const param = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?(\?)?\}$/.exec(segment);
    if (!param) {
      pattern += '/' + escapeRegExp(segment);
      continue;
    }
    const [, catchAll, name, constraint, optional] = param;
    names.push(name ?? '');
    if (catchAll) {
      pattern += '(?:/(.*))?';
      continue;
    }
    const body = constraint ? (CONSTRAINTS[constraint] ?? '[^/]+') : '[^/]+';
    pattern += optional ? `(?:/(${body}))?` : `/(${body})`;
  }
  pattern += '/?$';
  const regex = new RegExp(pattern, 'i');
  return {
    template,
    match(path) {
      const m = regex.exec(path.length === 0 ? '/' : path);
      if (!m) return undefined;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        const value = m[i + 1];
        if (value !== undefined) params[name] = safeDecode(value);
      });
      return params;
    },
  };
}
