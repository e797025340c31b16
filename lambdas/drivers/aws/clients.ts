/** AWS SDK v3 clients, one set per cold start. An endpoint override (moto) gets dummy credentials. */
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EFSClient } from '@aws-sdk/client-efs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface AwsClients {
  ecs: ECSClient;
  elbv2: ElasticLoadBalancingV2Client;
  efs: EFSClient;
  s3: S3Client;
  ec2: EC2Client;
  secrets: SecretsManagerClient;
}

export interface ClientOptions {
  region: string;
  endpoint?: string;
}

/** Constructor options every client shares. */
export function clientConfig(options: ClientOptions) {
  return {
    region: options.region,
    ...(options.endpoint
      ? {
          endpoint: options.endpoint,
          // An emulator checks no signature, but the SDK insists on some credentials.
          credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
        }
      : {}),
  };
}

export function createAwsClients(options: ClientOptions): AwsClients {
  const config = clientConfig(options);
  return {
    ecs: new ECSClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    efs: new EFSClient(config),
    // Emulators serve buckets by path, not by virtual host name.
    s3: new S3Client({ ...config, ...(options.endpoint ? { forcePathStyle: true } : {}) }),
    ec2: new EC2Client(config),
    secrets: new SecretsManagerClient(config),
  };
}
