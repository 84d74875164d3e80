import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { ChatConfigApi, type ChatConfigApiProps } from './chat-config-api';

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
}

/** The deployable unit: the chat-config API, with its URL, table and function as outputs. */
export class ChatConfigStack extends Stack {
  readonly chatConfig: ChatConfigApi;

  constructor(scope: Construct, id: string, props: ChatConfigStackProps = {}) {
    super(scope, id, {
      description: 'Chat session configuration API: HTTP API, Lambda function, DynamoDB table',
      ...props,
    });
    this.chatConfig = new ChatConfigApi(this, 'ChatConfig', {
      ...props.api,
      ...(props.existingTableName
        ? { table: TableV2.fromTableName(this, 'ExistingSessions', props.existingTableName) }
        : {}),
    });

    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the API: POST/PUT <ApiUrl>api/chat-sessions/{sessionId}/config',
      value: this.chatConfig.url,
    });
    new CfnOutput(this, 'TableName', {
      description: 'The sessions table',
      value: this.chatConfig.table.tableName,
    });
    new CfnOutput(this, 'FunctionName', {
      description: 'The chat-config Lambda function',
      value: this.chatConfig.function.functionName,
    });
  }
}
