// A request the Responses translation cannot take: what was wrong, the field, and OpenAI's code for it. The gateway
// answers it as a 400 in OpenAI's error shape.

export interface RequestProblem {
  message: string;
  param: string | null;
  code: string;
}

export const problem = (message: string, param: string | null, code: string): RequestProblem => ({ message, param, code });

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
