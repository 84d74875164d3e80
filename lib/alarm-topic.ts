import { Aws, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/**
 * An SNS topic for the CloudWatch alarms of this account, named `<stack name> alarms`: it takes only TLS, and only
 * those alarms as publishers.
 */
export class AlarmTopic extends Topic {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      displayName: `${Stack.of(scope).stackName} alarms`,
      enforceSSL: true,
    });
    // The TLS-only policy replaces SNS's default one: CloudWatch must be let in by name, for this account's alarms only.
    this.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: {
            'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`,
          },
        },
      }),
    );
  }
}
