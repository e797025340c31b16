/**
 * Finds base resources an earlier `npm run emulate` made on a long-lived emulator (BERTH_AWS_ENDPOINT),
 * by the names base-resources.ts gives them, so a restart reuses them instead of making a second set.
 */
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { DescribeClustersCommand } from '@aws-sdk/client-ecs';
import { DescribeFileSystemsCommand } from '@aws-sdk/client-efs';
import { DescribeLoadBalancersCommand, type LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../drivers/aws/clients.ts';
import type { AlbPoolMember, NlbPoolMember } from '../drivers/aws/config.ts';
import { listListeners } from '../drivers/aws/elb-reads.ts';
import { BASE } from './base-definitions.ts';
import {
  ALB_NAME_PREFIX,
  type BaseResources,
  FILE_SYSTEM_TOKEN,
  NLB_NAME_PREFIX,
  SECURITY_GROUP_NAMES,
} from './base-resources.ts';

export async function findBaseResources(
  clients: AwsClients,
  names: { tableName: string; transferBucket: string },
): Promise<BaseResources | undefined> {
  const balancers: LoadBalancer[] = [];
  let Marker: string | undefined;
  do {
    const out = await clients.elbv2.send(new DescribeLoadBalancersCommand({ ...(Marker ? { Marker } : {}) }));
    balancers.push(...(out.LoadBalancers ?? []));
    Marker = out.NextMarker;
  } while (Marker);
  const named = (prefix: string) =>
    balancers
      .filter((lb) => lb.LoadBalancerName?.startsWith(prefix))
      .sort((a, b) =>
        (a.LoadBalancerName ?? '').localeCompare(b.LoadBalancerName ?? '', 'en', { numeric: true }),
      );
  const albs = named(ALB_NAME_PREFIX);
  const nlbs = named(NLB_NAME_PREFIX);
  const first = albs[0];
  if (!first?.VpcId || nlbs.length === 0) return undefined;
  const vpcId = first.VpcId;

  const albPool: AlbPoolMember[] = [];
  for (const alb of albs) {
    const listener = (await listListeners(clients.elbv2, alb.LoadBalancerArn ?? '')).find(
      (l) => l.Port === BASE.alb.listener.port,
    );
    if (!alb.LoadBalancerArn || !alb.DNSName || !listener?.ListenerArn) return undefined;
    albPool.push({
      loadBalancerArn: alb.LoadBalancerArn,
      listenerArn: listener.ListenerArn,
      dnsName: alb.DNSName,
    });
  }
  const nlbPool: NlbPoolMember[] = nlbs.flatMap((nlb) =>
    nlb.LoadBalancerArn && nlb.DNSName
      ? [{ loadBalancerArn: nlb.LoadBalancerArn, dnsName: nlb.DNSName }]
      : [],
  );

  const groups = await clients.ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
  );
  const groupId = (name: string) => groups.SecurityGroups?.find((g) => g.GroupName === name)?.GroupId;
  const taskSecurityGroupId = groupId(SECURITY_GROUP_NAMES.tasks);
  const loadBalancerSecurityGroupId = groupId(SECURITY_GROUP_NAMES.loadBalancers);
  const cluster = (
    await clients.ecs.send(new DescribeClustersCommand({ clusters: [BASE.clusterName] }))
  ).clusters?.find((c) => c.status === 'ACTIVE');
  const fileSystem = (
    await clients.efs.send(new DescribeFileSystemsCommand({ CreationToken: FILE_SYSTEM_TOKEN }))
  ).FileSystems?.[0];
  const subnetIds = (first.AvailabilityZones ?? []).flatMap((zone) => (zone.SubnetId ? [zone.SubnetId] : []));
  if (
    !taskSecurityGroupId ||
    !loadBalancerSecurityGroupId ||
    !cluster?.clusterArn ||
    !fileSystem?.FileSystemId
  ) {
    return undefined;
  }
  return {
    vpcId,
    subnetIds,
    loadBalancerSecurityGroupId,
    taskSecurityGroupId,
    clusterArn: cluster.clusterArn,
    fileSystemId: fileSystem.FileSystemId,
    albPool,
    nlbPool,
    ...names,
  };
}
