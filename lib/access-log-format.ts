// One JSON line per request. Bodies never appear in HTTP API access logs; these fields carry no config value and no
// token.
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  integrationError: '$context.integration.error',
  // Who called (the token's sub), and why the authorizer refused a token: no claim value but the user id.
  caller: '$context.authorizer.claims.sub',
  authorizerError: '$context.authorizer.error',
  error: '$context.error.message',
};

// Numbers in the JSON, so that Logs Insights compares them as numbers (`status >= 500`): these two always have a
// value, unlike the integration's, which are "-" when no integration ran.
const NUMERIC_ACCESS_LOG_FIELDS = ['status', 'responseLatency'] as const;

/** The stage's access log line: a JSON object of API Gateway's `$context` variables, for `AccessLogFormat.custom`. */
export const ACCESS_LOG_FORMAT = NUMERIC_ACCESS_LOG_FIELDS.reduce(
  (format, field) => format.replace(`"${ACCESS_LOG_FIELDS[field]}"`, ACCESS_LOG_FIELDS[field]),
  JSON.stringify(ACCESS_LOG_FIELDS),
);
