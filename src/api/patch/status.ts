// How patch failures reach the client: the Status codes and messages Kubernetes'
// API server answers with for each kind of patch error.
import { StatusError, errors } from '../errors.js';

/** 400: the patch document itself cannot be used (undecodable, malformed directive). */
export function badRequest(message: string): StatusError {
  return errors.badRequest(message);
}

/**
 * 422 as the API server builds it with NewGenericServerResponse: a generic message, the
 * underlying error as the single cause (JSON patch apply failures, lists of lists).
 */
export function unprocessable(detail: string): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {
    causes: [{ reason: 'UnexpectedServerResponse', message: detail }],
  });
}

/** 500: errors the API server passes through unconverted (e.g. a missing merge key). */
export function serverError(message: string): StatusError {
  return new StatusError(500, 'InternalError', message);
}

export function tooLarge(message: string): StatusError {
  return errors.tooLarge(message);
}
