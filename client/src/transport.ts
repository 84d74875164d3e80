/** What sits between the typed calls and `fetch`: the bearer token on each request. */

/** The `fetch` the client calls: the global one unless given. */
export type Fetch = (request: Request) => Promise<Response>;

/** A bearer token, or a function that gives the current one (called before each request, so it may refresh). */
export type TokenSource = string | (() => string | Promise<string>);

/** `fetch` with `Authorization: Bearer <token>` set on each request; none when the token is empty. */
export const authorizingFetch =
  (fetch: Fetch, token: TokenSource): Fetch =>
  async (request) => {
    const value = typeof token === 'string' ? token : await token();
    if (value) request.headers.set('Authorization', `Bearer ${value}`);
    return fetch(request);
  };
