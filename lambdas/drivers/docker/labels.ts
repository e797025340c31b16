/** Labels that tie a container to this installation and to its session (the reconciler reads them). */
export const LABEL = {
  managed: 'berth.managed',
  installation: 'berth.installation',
  session: 'berth.session',
  owner: 'berth.owner',
  sshPort: 'berth.ssh-port',
} as const;

export function containerName(sessionId: string): string {
  return `berth-${sessionId}`;
}
