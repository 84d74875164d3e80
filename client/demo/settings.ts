/** What the demo page is served with: the API to call, the session to show, and the token to call it with. */
export interface DemoSettings {
  readonly apiUrl: string;
  readonly sessionId: string;
  readonly token: string;
}
