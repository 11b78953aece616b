/** problem+json answers as the console shows them: title and detail, plus the field list of validation failures. Pure. */
export interface ProblemView {
  status: number;
  title: string;
  detail: string;
  fields: string[];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function problemOf(status: number, body: unknown, statusText = ''): ProblemView {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const errors = Array.isArray(record.errors) ? record.errors : [];
  const fields = errors.flatMap((e) => {
    if (typeof e !== 'object' || e === null) return [];
    const { field, message } = e as Record<string, unknown>;
    return text(message) ? [`${text(field) ?? 'body'}: ${text(message)}`] : [];
  });
  return {
    status,
    title: text(record.title) ?? (statusText || `HTTP ${status}`),
    detail: text(record.detail) ?? '',
    fields,
  };
}
