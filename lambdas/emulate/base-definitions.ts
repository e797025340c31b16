/**
 * The base resources of an AWS deployment as plain data, with no SDK or CDK types: the CDK stack
 * builds them with constructs, `npm run emulate` and the AWS tests with SDK calls, from this one
 * description, so the emulation matches what is deployed.
 */
import { AGENT_PORT, TASK_SSH_PORT } from '../config/aws.ts';
import { SSH_PORT_RANGE } from '../core/names.ts';

export const BASE = {
  /** EFS mounts by DNS name, which needs both DNS settings (CDK's ec2.Vpc default) */
  vpc: { cidr: '10.20.0.0/16', dnsSupport: true, dnsHostnames: true },
  /** two private subnets in two zones: Fargate tasks, EFS mount targets, the ingest Lambda */
  subnets: [
    { cidr: '10.20.0.0/20', zoneSuffix: 'a' },
    { cidr: '10.20.16.0/20', zoneSuffix: 'b' },
  ],
  clusterName: 'berth',
  /** how many load balancers of each kind the pools start with */
  pool: { albs: 1, nlbs: 1 },
  alb: {
    /** without a domain there is no certificate for the ALB's AWS DNS name: plain HTTP */
    listener: { port: 80, protocol: 'HTTP' as const },
    /** what a request matching no session's rule gets */
    defaultResponse: {
      statusCode: '404',
      // ALBs accept only a few content types; problem+json is not one of them.
      contentType: 'application/json',
      messageBody: JSON.stringify({
        type: 'not-found',
        title: 'Not found',
        status: 404,
        detail: 'No running session serves this address.',
      }),
    },
  },
  /** the ports each security group lets in, and from where */
  securityGroups: {
    loadBalancers: {
      description: 'Berth load balancers: HTTP(S) for apps, the SSH port range for sessions',
      ingress: [
        { fromPort: 80, toPort: 80, cidr: '0.0.0.0/0' },
        { fromPort: 443, toPort: 443, cidr: '0.0.0.0/0' },
        { fromPort: SSH_PORT_RANGE.min, toPort: SSH_PORT_RANGE.max, cidr: '0.0.0.0/0' },
      ],
    },
    /** tasks accept traffic from the load balancers only */
    tasks: {
      description: 'Berth session tasks: the agent and sshd, from the load balancers only',
      ingressFromLoadBalancers: [AGENT_PORT, TASK_SSH_PORT],
    },
    /** EFS accepts NFS from the tasks and the ingest Lambda */
    fileSystem: { description: 'Berth homes (EFS): NFS from tasks and the ingest Lambda', nfsPort: 2049 },
  },
  /** uploads not ingested (refused, failed) are removed by a lifecycle rule after this */
  transferExpiryDays: 1,
} as const;
