import { type AttributeValue, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { localDynamoDbClient } from '../../local/dynamodb-local';

/**
 * The stream of a table on DynamoDB Local: every write that was really applied, in the order of each item's writes,
 * whatever its client was answered. It tells a write that landed unanswered from one that never landed.
 */
export interface TableStream {
  /** The item after each write since the stream was turned on, from every shard, in each shard's order. */
  images(): Promise<Record<string, unknown>[]>;
}

/** Turns on the stream of `tableName` (new images) at `endpoint`: writes from now on are recorded. */
export const recordTableWrites = async (endpoint: string, tableName: string): Promise<TableStream> => {
  const tables = localDynamoDbClient(endpoint);
  let streamArn: string | undefined;
  try {
    const { TableDescription } = await tables.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
    streamArn = TableDescription?.LatestStreamArn;
  } finally {
    tables.destroy();
  }
  if (streamArn === undefined) throw new Error(`${tableName} has no stream after turning it on`);
  const arn = streamArn;

  return {
    images: async () => {
      const streams = new DynamoDBStreamsClient({ endpoint });
      try {
        const shards: Shard[] = [];
        let after: string | undefined;
        do {
          const { StreamDescription } = await streams.send(
            new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: after }),
          );
          shards.push(...(StreamDescription?.Shards ?? []));
          after = StreamDescription?.LastEvaluatedShardId;
        } while (after !== undefined);

        const images: Record<string, unknown>[] = [];
        for (const { ShardId } of shards) {
          let iterator = (
            await streams.send(
              new GetShardIteratorCommand({ StreamArn: arn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
            )
          ).ShardIterator;
          // A closed shard ends without a next iterator; an open one, once read to its end, answers an empty page
          // (DynamoDB Local records a write as it applies it, so nothing comes later once writes have stopped).
          while (iterator !== undefined) {
            const { Records = [], NextShardIterator } = await streams.send(
              new GetRecordsCommand({ ShardIterator: iterator }),
            );
            for (const record of Records) {
              const image = record.dynamodb?.NewImage;
              // The streams client has its own (identical) attribute value type.
              if (image !== undefined) images.push(unmarshall(image as Record<string, AttributeValue>));
            }
            iterator = Records.length === 0 ? undefined : NextShardIterator;
          }
        }
        return images;
      } finally {
        streams.destroy();
      }
    },
  };
};
