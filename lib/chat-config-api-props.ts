import type { ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { ownerAttributeProblem } from '../functions/sessions/session-table';
import type { ChatConfigApiProps } from './chat-config-api';
import { propChecks } from './prop-checks';

// The store gives DynamoDB 2.5 s and the handler answers 503 500 ms before the Lambda deadline: a shorter timeout
// would cut the store's own deadline short. API Gateway HTTP APIs stop waiting for an integration after 30 s.
const MIN_TIMEOUT_SECONDS = 3;
const MAX_TIMEOUT_SECONDS = 30;
const STAGE_NAME = /^(\$default|[A-Za-z0-9_-]{1,128})$/;
// CloudWatch's rule for a namespace; "AWS/" is AWS's own.
const METRICS_NAMESPACE = /^(?!AWS\/)[A-Za-z0-9.\-_/#: ]{1,255}$/;

/** The props of a `ChatConfigApi` (but its table and auth) with their defaults applied: what the function runs with. */
export type ChatConfigApiSettings = Required<Omit<ChatConfigApiProps, 'table' | 'auth' | 'throttle'>> & {
  readonly throttle: Required<ThrottleSettings>;
};

/** The settings, once each is checked: a bad one fails the synth, naming the construct and the prop. */
export const validatedApiSettings = (
  scope: IConstruct,
  settings: ChatConfigApiSettings,
): ChatConfigApiSettings => {
  const { fail, known } = propChecks(scope);
  if (known(settings.stageName) && !STAGE_NAME.test(settings.stageName)) {
    fail(`stageName must be "$default" or 1 to 128 of A-Z a-z 0-9 _ -, not "${settings.stageName}"`);
  }
  const { rateLimit, burstLimit } = settings.throttle;
  if (known(rateLimit) && !(rateLimit > 0 && rateLimit <= 10_000)) {
    fail(
      `throttle.rateLimit must be a number of requests per second above 0 and at most 10000, not ${rateLimit}`,
    );
  }
  if (known(burstLimit) && !(Number.isInteger(burstLimit) && burstLimit >= 1 && burstLimit <= 5_000)) {
    fail(`throttle.burstLimit must be a whole number of requests from 1 to 5000, not ${burstLimit}`);
  }
  const origins = known(settings.corsAllowedOrigins) ? settings.corsAllowedOrigins.filter(known) : [];
  for (const origin of origins) {
    if (origin === '*' ? settings.corsAllowedOrigins.length > 1 : !isOrigin(origin)) {
      fail(
        `corsAllowedOrigins must hold origins such as "https://app.example.com" (http or https, a lower-case host without wildcards, no path), or only "*"; "${origin}" is not allowed`,
      );
    }
  }
  if (known(settings.logRetention) && !Object.values(RetentionDays).includes(settings.logRetention)) {
    fail(`logRetention must be one of the RetentionDays values, not ${settings.logRetention}`);
  }
  if (
    known(settings.memorySize) &&
    !(Number.isInteger(settings.memorySize) && settings.memorySize >= 128 && settings.memorySize <= 10_240)
  ) {
    fail(`memorySize must be a whole number of MB from 128 to 10240, not ${settings.memorySize}`);
  }
  const ownerAttributeIsWrong = known(settings.ownerAttribute)
    ? ownerAttributeProblem(settings.ownerAttribute)
    : undefined;
  if (ownerAttributeIsWrong !== undefined) fail(`ownerAttribute: ${ownerAttributeIsWrong}`);
  if (known(settings.metricsNamespace) && !METRICS_NAMESPACE.test(settings.metricsNamespace)) {
    fail(
      `metricsNamespace must be 1 to 255 of A-Z a-z 0-9 . - _ / # : and space, not starting with "AWS/", not "${settings.metricsNamespace}"`,
    );
  }
  const timeoutSeconds = settings.timeout.toSeconds();
  if (
    known(timeoutSeconds) &&
    !(timeoutSeconds >= MIN_TIMEOUT_SECONDS && timeoutSeconds <= MAX_TIMEOUT_SECONDS)
  ) {
    fail(
      `timeout must be from ${MIN_TIMEOUT_SECONDS} to ${MAX_TIMEOUT_SECONDS} seconds (the store's deadline needs 3 s; API Gateway waits 30 s at most), not ${timeoutSeconds} s`,
    );
  }
  return settings;
};

const isOrigin = (value: string): boolean => {
  const url = URL.parse(value);
  return (
    url !== null && /^https?:$/.test(url.protocol) && !url.hostname.includes('*') && url.origin === value
  );
};
