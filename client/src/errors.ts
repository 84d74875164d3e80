/**
 * One error class for every refusal, whoever answered it: the function's problem details (RFC 9457), and API
 * Gateway's own `{"message": "…"}` bodies (its authorizer's 401 and 403, an unknown route's 404, 413, 429, 5xx).
 */

/** A rule a field broke: where in the request body (a JSON Pointer), and what is wrong. */
export interface FieldViolation {
  readonly path: string;
  readonly message: string;
}

/** What `ChatConfigError` holds. */
export interface ChatConfigErrorFields {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly errors?: readonly FieldViolation[];
  readonly retryAfter?: number;
  readonly etag?: string;
}

/** A response other than 2xx. */
export class ChatConfigError extends Error {
  override readonly name = 'ChatConfigError';
  /** The HTTP status. */
  readonly status: number;
  /** The problem type, such as `urn:chat-config:problem:validation-failed`; `about:blank` for API Gateway's own. */
  readonly type: string;
  /** A short summary, the same for every problem of a type. */
  readonly title: string;
  /** What went wrong with this request; for API Gateway's answers, its message and the authorizer's reason. */
  readonly detail: string;
  /** For a 422 of the body, each field's violation. */
  readonly errors: readonly FieldViolation[];
  /** Seconds the API asked to wait before trying again (`Retry-After`), when it did. */
  readonly retryAfter: number | undefined;
  /** The current version, when the response names it (a 412's `ETag`). */
  readonly etag: string | undefined;

  constructor({ status, type, title, detail, errors = [], retryAfter, etag }: ChatConfigErrorFields) {
    super(`${status} ${title}${detail ? `: ${detail}` : ''}`);
    this.status = status;
    this.type = type;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
    this.retryAfter = retryAfter;
    this.etag = etag;
  }
}

/** `Retry-After` in seconds, from its delay (`120`) or its date form; undefined when absent or unreadable. */
export const retryAfterSeconds = (value: string | null, now = Date.now()): number | undefined => {
  if (value === null) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
};

const isViolation = (value: unknown): value is FieldViolation =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as FieldViolation).path === 'string' &&
  typeof (value as FieldViolation).message === 'string';

/** The reason an authorizer gives in `WWW-Authenticate` (RFC 6750 §3), such as "the token has expired". */
const authorizerReason = (response: Response): string | undefined =>
  /error_description="([^"]*)"/.exec(response.headers.get('WWW-Authenticate') ?? '')?.[1];

/** The error of a response other than 2xx, given its body as parsed (JSON, or else its text). */
export const chatConfigError = (response: Response, body: unknown): ChatConfigError => {
  const members = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const text = (name: string) => (typeof members[name] === 'string' ? (members[name] as string) : undefined);
  const message = text('message');
  const reason = authorizerReason(response);
  return new ChatConfigError({
    status: response.status,
    type: text('type') ?? 'about:blank',
    title: text('title') ?? message ?? (response.statusText || `HTTP ${response.status}`),
    detail: text('detail') ?? (message && reason ? `${message}: ${reason}` : (message ?? '')),
    errors: Array.isArray(members.errors) ? members.errors.filter(isViolation) : [],
    retryAfter: retryAfterSeconds(response.headers.get('Retry-After')),
    etag: response.headers.get('ETag') ?? undefined,
  });
};
