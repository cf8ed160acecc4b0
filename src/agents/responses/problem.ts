// A request the Responses translation cannot take: what was wrong, the field, and OpenAI's code for it. The gateway
// answers it as a 400 in OpenAI's error shape.

export interface RequestProblem {
  message: string;
  param: string | null;
  code: string;
}

export const problem = (message: string, param: string | null, code: string): RequestProblem => ({ message, param, code });

export { isObject, typeName } from '../untrusted';
