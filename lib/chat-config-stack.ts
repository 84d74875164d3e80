import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { TABLE_NAME_PATTERN } from '../functions/sessions/session-table';
import { ChatConfigApi, type ChatConfigApiProps } from './chat-config-api';
import { ChatConfigMonitoring, type ChatConfigMonitoringProps } from './chat-config-monitoring';
import { propChecks } from './prop-checks';

/** The alarms' settings, with the topic named by its ARN. */
export interface ChatConfigStackMonitoringProps
  extends Omit<ChatConfigMonitoringProps, 'chatConfig' | 'alarmTopic'> {
  /**
   * ARN of an existing SNS topic to send the alarms to (one the team already watches). Its policy must let
   * `cloudwatch.amazonaws.com` publish, and its KMS key (if any) let CloudWatch use it.
   * @default - a new topic
   */
  readonly alarmTopicArn?: string;
}

export interface ChatConfigStackProps extends StackProps {
  /**
   * Name of an existing sessions table (partition key `sessionId`, a string) in the stack's account and region.
   * @default - the stack creates the table
   */
  readonly existingTableName?: string;
  /**
   * Settings of the API, its function and its logs.
   * @default - the defaults of `ChatConfigApi`
   */
  readonly api?: Omit<ChatConfigApiProps, 'table'>;
  /**
   * Where the alarms go and when they go off.
   * @default - a new SNS topic and `CHAT_CONFIG_ALARM_DEFAULTS`
   */
  readonly monitoring?: ChatConfigStackMonitoringProps;
}

/**
 * The deployable unit: the chat-config API with its alarms and dashboard, and its URL, table, function, alarm topic and
 * token issuer (and user pool) as outputs.
 */
export class ChatConfigStack extends Stack {
  readonly chatConfig: ChatConfigApi;
  readonly monitoring: ChatConfigMonitoring;

  constructor(scope: Construct, id: string, props: ChatConfigStackProps = {}) {
    super(scope, id, {
      description:
        'Chat session configuration API: HTTP API with a JWT authorizer, Lambda function, DynamoDB tables',
      ...props,
    });
    const { existingTableName } = props;
    const { fail, known } = propChecks(this);
    if (
      existingTableName !== undefined &&
      known(existingTableName) &&
      !TABLE_NAME_PATTERN.test(existingTableName)
    ) {
      fail(
        `existingTableName must be a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -), not "${existingTableName}"`,
      );
    }
    this.chatConfig = new ChatConfigApi(this, 'ChatConfig', {
      ...props.api,
      ...(existingTableName === undefined
        ? {}
        : { table: TableV2.fromTableName(this, 'ExistingSessions', existingTableName) }),
    });

    const { alarmTopicArn, ...monitoring } = props.monitoring ?? {};
    if (alarmTopicArn !== undefined && known(alarmTopicArn) && !SNS_TOPIC_ARN.test(alarmTopicArn)) {
      fail(
        `alarmTopicArn must be the ARN of an SNS topic (arn:<partition>:sns:<region>:<account>:<name>), not "${alarmTopicArn}"`,
      );
    }
    this.monitoring = new ChatConfigMonitoring(this, 'Monitoring', {
      chatConfig: this.chatConfig,
      ...monitoring,
      ...(alarmTopicArn === undefined
        ? {}
        : { alarmTopic: Topic.fromTopicArn(this, 'AlarmTopic', alarmTopicArn) }),
    });

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the API: GET/POST/PUT/PATCH <ApiUrl>api/chat-sessions/{sessionId}/config',
      value: this.chatConfig.url,
    });
    new CfnOutput(this, 'TableName', {
      description: 'The sessions table',
      value: this.chatConfig.table.tableName,
    });
    new CfnOutput(this, 'IdempotencyTableName', {
      description: 'Where the first response to each write sent with an Idempotency-Key is kept for a day',
      value: this.chatConfig.idempotencyTable.tableName,
    });
    new CfnOutput(this, 'FunctionName', {
      description: 'The chat-config Lambda function',
      value: this.chatConfig.function.functionName,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Where the alarms are sent: subscribe the team to it',
      value: this.monitoring.alarmTopic.topicArn,
    });
    new CfnOutput(this, 'DashboardName', {
      description: 'The CloudWatch dashboard of the API',
      value: this.monitoring.dashboard.dashboardName,
    });
    new CfnOutput(this, 'TokenIssuer', {
      description: 'The iss of the access tokens the API accepts',
      value: this.chatConfig.auth.issuer,
    });
    const { userPool, userPoolClient, userPoolDomain } = this.chatConfig.auth;
    if (userPool && userPoolClient && userPoolDomain) {
      new CfnOutput(this, 'UserPoolId', {
        description: 'The user pool of the API',
        value: userPool.userPoolId,
      });
      new CfnOutput(this, 'AppClientId', {
        description: 'The app client to get tokens with (authorization code flow with PKCE, no secret)',
        value: userPoolClient.userPoolClientId,
      });
      new CfnOutput(this, 'LoginUrl', {
        description: 'The login domain: <LoginUrl>/oauth2/authorize and <LoginUrl>/oauth2/token',
        value: userPoolDomain.baseUrl(),
      });
    }
  }
}

// arn:<partition>:sns:<region>:<account>:<topic name>
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;
