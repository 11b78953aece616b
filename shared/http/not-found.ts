import type { HttpRequest, HttpResponseInit } from '@azure/functions';
import { AppError } from '../errors/app-error.js';
import { problemResponse } from './problem.js';

export async function notFoundHandler(request: HttpRequest): Promise<HttpResponseInit> {
  return problemResponse(new AppError('NotFound', `No API route answers ${request.method} ${new URL(request.url).pathname}.`.slice(0, 300)), () => undefined);
}
