/** An error with the HTTP status the client gets; the body is `{path, message}` (SPEC §4). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (m: string) => new HttpError(400, m);
export const unauthorized = (m: string) => new HttpError(401, m);
export const notFound = (m: string) => new HttpError(404, m);
