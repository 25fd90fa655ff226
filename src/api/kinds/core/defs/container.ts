/** core/v1 schema definitions for containers: ports, env, resources, probes, hooks, security, status. */
import { s, type Definitions, type Schema } from '../../../schema/types.ts';
import { V1, core, keyed, listOf, meta, resourceList } from './helpers.ts';

const protocol = s.enumOf(['SCTP', 'TCP', 'UDP'], 'Network protocol: TCP (default), UDP or SCTP.');

function containerProps(kind: string): Record<string, Schema> {
  return {
    name: s.str(`Name of the ${kind}, a DNS label unique within the pod.`),
    image: s.str('Container image reference to run.'),
    command: s.strList("Entrypoint array; replaces the image's ENTRYPOINT. $(VAR) references are expanded."),
    args: s.strList("Arguments to the entrypoint; replace the image's CMD. $(VAR) references are expanded."),
    workingDir: s.str("Working directory; the image's default when empty."),
    ports: keyed(
      'ContainerPort',
      'containerPort',
      'Ports the container exposes (informational, except with hostPort).',
      ['protocol'],
    ),
    envFrom: listOf('EnvFromSource', 'Sources whose keys all become environment variables.'),
    env: keyed('EnvVar', 'name', 'Environment variables to set in the container.'),
    resources: core('ResourceRequirements', 'Compute resources the container requests and is limited to.'),
    restartPolicy: s.str(
      'Per-container restart policy; only "Always" on init containers, making them sidecars.',
    ),
    volumeMounts: keyed('VolumeMount', 'mountPath', "Pod volumes to mount into the container's filesystem."),
    volumeDevices: keyed('VolumeDevice', 'devicePath', 'Block devices the container uses.'),
    livenessProbe: core('Probe', 'Periodic check; the container restarts when it fails.'),
    readinessProbe: core('Probe', 'Periodic check; the pod leaves service endpoints when it fails.'),
    startupProbe: core('Probe', 'Check that must succeed before the other probes start.'),
    lifecycle: core('Lifecycle', 'Actions the system runs on container start and stop.'),
    terminationMessagePath: s.str('File whose contents become the termination message.'),
    terminationMessagePolicy: s.enumOf(
      ['FallbackToLogsOnError', 'File'],
      'How the termination message is filled.',
    ),
    imagePullPolicy: s.enumOf(['Always', 'IfNotPresent', 'Never'], 'When the image is pulled.'),
    securityContext: core('SecurityContext', 'Security options for this container.'),
    stdin: s.bool('Allocate a buffer for stdin.'),
    stdinOnce: s.bool('Close stdin after the first attach session ends.'),
    tty: s.bool('Allocate a TTY (needs stdin).'),
  };
}

export const containerDefinitions: Definitions = {
  [V1 + 'Container']: s.obj(containerProps('container'), 'A single application container in a pod.', [
    'name',
  ]),
  [V1 + 'EphemeralContainer']: s.obj(
    {
      ...containerProps('ephemeral container'),
      targetContainerName: s.str('Container whose namespaces this one joins, for debugging.'),
    },
    'A temporary container added to a running pod for troubleshooting.',
    ['name'],
  ),
  [V1 + 'ContainerPort']: s.obj(
    {
      name: s.str('IANA service name of the port, unique in the pod.'),
      hostPort: s.int32('Port on the host to expose; rarely needed.'),
      containerPort: s.int32('Port number on the pod IP.'),
      protocol,
      hostIP: s.str('Host IP the host port binds to.'),
    },
    'A network port a container listens on.',
    ['containerPort'],
  ),
  [V1 + 'EnvVar']: s.obj(
    {
      name: s.str('Variable name.'),
      value: s.str('Literal value; $(VAR) references are expanded.'),
      valueFrom: core('EnvVarSource', 'Where to read the value from, instead of value.'),
    },
    'An environment variable of a container.',
    ['name'],
  ),
  [V1 + 'EnvVarSource']: s.obj(
    {
      fieldRef: core('ObjectFieldSelector', 'A field of the pod.'),
      resourceFieldRef: core('ResourceFieldSelector', 'A resource limit or request of a container.'),
      configMapKeyRef: core('ConfigMapKeySelector', 'A key of a ConfigMap.'),
      secretKeyRef: core('SecretKeySelector', 'A key of a Secret.'),
    },
    'The source of an environment variable value.',
  ),
  [V1 + 'ObjectFieldSelector']: s.obj(
    {
      apiVersion: s.str('Schema version the fieldPath is written in; v1 by default.'),
      fieldPath: s.str('Path of the field to read.'),
    },
    'Selects a field of the object.',
    ['fieldPath'],
  ),
  [V1 + 'ResourceFieldSelector']: s.obj(
    {
      containerName: s.str('Container to read from; optional for env vars.'),
      resource: s.str('Resource to read, e.g. limits.cpu.'),
      divisor: s.quantity('Unit the value is divided by; 1 by default.'),
    },
    'Selects a resource amount of a container.',
    ['resource'],
  ),
  [V1 + 'ConfigMapKeySelector']: s.obj(
    {
      name: s.str('Name of the ConfigMap.'),
      key: s.str('Key to select.'),
      optional: s.bool('Tolerate a missing ConfigMap or key.'),
    },
    'Selects a key of a ConfigMap.',
    ['key'],
  ),
  [V1 + 'SecretKeySelector']: s.obj(
    {
      name: s.str('Name of the Secret.'),
      key: s.str('Key to select.'),
      optional: s.bool('Tolerate a missing Secret or key.'),
    },
    'Selects a key of a Secret.',
    ['key'],
  ),
  [V1 + 'EnvFromSource']: s.obj(
    {
      prefix: s.str('Prefix added to each variable name.'),
      configMapRef: core('ConfigMapEnvSource', 'ConfigMap to import.'),
      secretRef: core('SecretEnvSource', 'Secret to import.'),
    },
    'A set of environment variables read from one ConfigMap or Secret.',
  ),
  [V1 + 'ConfigMapEnvSource']: s.obj(
    { name: s.str('Name of the ConfigMap.'), optional: s.bool('Tolerate a missing ConfigMap.') },
    'A ConfigMap whose keys become environment variables.',
  ),
  [V1 + 'SecretEnvSource']: s.obj(
    { name: s.str('Name of the Secret.'), optional: s.bool('Tolerate a missing Secret.') },
    'A Secret whose keys become environment variables.',
  ),
  [V1 + 'ResourceRequirements']: s.obj(
    {
      limits: resourceList('Most of each resource the container may use.'),
      requests: resourceList('Least of each resource the container needs; used for scheduling.'),
      claims: s.mapList(core('ResourceClaim'), 'name', 'Resource claims of the pod this container uses.'),
    },
    'Compute resource requests and limits.',
  ),
  [V1 + 'ResourceClaim']: s.obj(
    {
      name: s.str('Name of an entry in the pod spec resourceClaims.'),
      request: s.str('One request of the claim, or the whole claim when empty.'),
    },
    'A reference to a pod resource claim.',
    ['name'],
  ),
  [V1 + 'VolumeMount']: s.obj(
    {
      name: s.str('Name of a pod volume.'),
      readOnly: s.bool('Mount read-only.'),
      recursiveReadOnly: s.str(
        'Whether read-only mounts are read-only recursively: Disabled, IfPossible or Enabled.',
      ),
      mountPath: s.str('Path in the container to mount at; must not contain ":".'),
      subPath: s.str('Path inside the volume to mount instead of its root.'),
      mountPropagation: s.enumOf(
        ['Bidirectional', 'HostToContainer', 'None'],
        'How mounts propagate between host and container.',
      ),
      subPathExpr: s.str('Like subPath, with $(VAR) references expanded from the environment.'),
    },
    'A volume mounted into a container.',
    ['name', 'mountPath'],
  ),
  [V1 + 'VolumeDevice']: s.obj(
    { name: s.str('Name of a pod PVC volume.'), devicePath: s.str('Path of the device in the container.') },
    'A raw block device mapped into a container.',
    ['name', 'devicePath'],
  ),
  [V1 + 'Probe']: s.obj(
    {
      exec: core('ExecAction', 'Run a command.'),
      httpGet: core('HTTPGetAction', 'Send an HTTP GET.'),
      tcpSocket: core('TCPSocketAction', 'Open a TCP connection.'),
      grpc: core('GRPCAction', 'Call the gRPC health service.'),
      initialDelaySeconds: s.int32('Seconds after start before the first probe.'),
      timeoutSeconds: s.int32('Seconds before a probe times out; 1 by default.'),
      periodSeconds: s.int32('Seconds between probes; 10 by default.'),
      successThreshold: s.int32('Consecutive successes to count as passing; 1 by default.'),
      failureThreshold: s.int32('Consecutive failures to count as failing; 3 by default.'),
      terminationGracePeriodSeconds: s.int64('Grace period when the probe fails, overriding the pod value.'),
    },
    'A health check of a container.',
  ),
  [V1 + 'ExecAction']: s.obj(
    { command: s.strList('Command line to run in the container (no shell).') },
    'Runs a command.',
  ),
  [V1 + 'HTTPGetAction']: s.obj(
    {
      path: s.str('Path to request.'),
      port: s.intOrString('Port number or name to connect to.'),
      host: s.str('Host to connect to; the pod IP by default.'),
      scheme: s.enumOf(['HTTP', 'HTTPS'], 'Scheme to use; HTTP by default.'),
      httpHeaders: listOf('HTTPHeader', 'Extra request headers.'),
    },
    'An HTTP GET request.',
    ['port'],
  ),
  [V1 + 'HTTPHeader']: s.obj(
    { name: s.str('Header name.'), value: s.str('Header value.') },
    'An HTTP header.',
    ['name', 'value'],
  ),
  [V1 + 'TCPSocketAction']: s.obj(
    {
      port: s.intOrString('Port number or name.'),
      host: s.str('Host to connect to; the pod IP by default.'),
    },
    'A TCP connection attempt.',
    ['port'],
  ),
  [V1 + 'GRPCAction']: s.obj(
    {
      port: s.int32('Port of the gRPC service.'),
      service: s.str('Service name passed to the health check.'),
    },
    'A gRPC health check call.',
    ['port'],
  ),
  [V1 + 'SleepAction']: s.obj({ seconds: s.int64('Seconds to sleep.') }, 'Waits for a while.', ['seconds']),
  [V1 + 'Lifecycle']: s.obj(
    {
      postStart: core('LifecycleHandler', 'Runs right after the container starts.'),
      preStop: core('LifecycleHandler', 'Runs before the container is stopped.'),
    },
    'Hooks run at container lifecycle events.',
  ),
  [V1 + 'LifecycleHandler']: s.obj(
    {
      exec: core('ExecAction', 'Run a command.'),
      httpGet: core('HTTPGetAction', 'Send an HTTP GET.'),
      tcpSocket: core('TCPSocketAction', 'Deprecated; kept for compatibility.'),
      sleep: core('SleepAction', 'Sleep for a while.'),
    },
    'One action of a lifecycle hook.',
  ),
  [V1 + 'SecurityContext']: s.obj(
    {
      capabilities: core('Capabilities', 'Linux capabilities to add or drop.'),
      privileged: s.bool('Run as privileged (root on the host).'),
      seLinuxOptions: core('SELinuxOptions', 'SELinux context.'),
      windowsOptions: core('WindowsSecurityContextOptions', 'Windows-specific options.'),
      runAsUser: s.int64('UID the process runs as.'),
      runAsGroup: s.int64('GID the process runs as.'),
      runAsNonRoot: s.bool('Refuse to start as UID 0.'),
      readOnlyRootFilesystem: s.bool('Mount the root filesystem read-only.'),
      allowPrivilegeEscalation: s.bool('Whether a process may gain more privileges than its parent.'),
      procMount: s.enumOf(['Default', 'Unmasked'], 'Kind of /proc mount.'),
      seccompProfile: core('SeccompProfile', 'Seccomp profile.'),
      appArmorProfile: core('AppArmorProfile', 'AppArmor profile.'),
    },
    'Security options of one container.',
  ),
  [V1 + 'Capabilities']: s.obj(
    { add: s.strList('Capabilities to add.'), drop: s.strList('Capabilities to drop.') },
    'Linux capabilities changes.',
  ),
  [V1 + 'SELinuxOptions']: s.obj(
    {
      user: s.str('SELinux user.'),
      role: s.str('SELinux role.'),
      type: s.str('SELinux type.'),
      level: s.str('SELinux level.'),
    },
    'An SELinux label.',
  ),
  [V1 + 'WindowsSecurityContextOptions']: s.obj(
    {
      gmsaCredentialSpecName: s.str('Name of the GMSA credential spec.'),
      gmsaCredentialSpec: s.str('Inlined GMSA credential spec.'),
      runAsUserName: s.str('Windows user to run as.'),
      hostProcess: s.bool('Run as a Windows host process.'),
    },
    'Windows-specific security options.',
  ),
  [V1 + 'SeccompProfile']: s.obj(
    {
      type: s.enumOf(['Localhost', 'RuntimeDefault', 'Unconfined'], 'Kind of profile.'),
      localhostProfile: s.str('Profile file on the node, for type Localhost.'),
    },
    'A seccomp profile.',
    ['type'],
  ),
  [V1 + 'AppArmorProfile']: s.obj(
    {
      type: s.enumOf(['Localhost', 'RuntimeDefault', 'Unconfined'], 'Kind of profile.'),
      localhostProfile: s.str('Profile loaded on the node, for type Localhost.'),
    },
    'An AppArmor profile.',
    ['type'],
  ),
  [V1 + 'ContainerStatus']: s.obj(
    {
      name: s.str('Container name.'),
      state: core('ContainerState', 'Current state.'),
      lastState: core('ContainerState', 'State of the previous run.'),
      ready: s.bool('Whether the readiness probe passes.'),
      restartCount: s.int32('Times the container has been restarted.'),
      image: s.str('Image the container runs.'),
      imageID: s.str('Image ID the container runs.'),
      containerID: s.str('Runtime container ID, as <type>://<id>.'),
      started: s.bool('Whether the startup probe has passed.'),
      allocatedResources: resourceList('Resources the node allocated to the container.'),
      resources: core('ResourceRequirements', 'Resources applied to the running container.'),
      volumeMounts: s.mapList(core('VolumeMountStatus'), 'mountPath', 'Status of the volume mounts.'),
      user: core('ContainerUser', 'Identity the process runs with.'),
      allocatedResourcesStatus: s.mapList(core('ResourceStatus'), 'name', 'Health of allocated devices.'),
    },
    'The observed status of one container.',
    ['name', 'ready', 'restartCount', 'image', 'imageID'],
  ),
  [V1 + 'ContainerState']: s.obj(
    {
      waiting: core('ContainerStateWaiting', 'Not running yet.'),
      running: core('ContainerStateRunning', 'Running.'),
      terminated: core('ContainerStateTerminated', 'Finished.'),
    },
    'One state of a container; only one member is set.',
  ),
  [V1 + 'ContainerStateWaiting']: s.obj(
    { reason: s.str('Why it is waiting.'), message: s.str('Details.') },
    'A container that is not running yet.',
  ),
  [V1 + 'ContainerStateRunning']: s.obj(
    { startedAt: meta('Time', 'When it started.') },
    'A running container.',
  ),
  [V1 + 'ContainerStateTerminated']: s.obj(
    {
      exitCode: s.int32('Exit code of the last run.'),
      signal: s.int32('Signal that ended it.'),
      reason: s.str('Why it ended.'),
      message: s.str('Details.'),
      startedAt: meta('Time', 'When it started.'),
      finishedAt: meta('Time', 'When it ended.'),
      containerID: s.str('Runtime container ID.'),
    },
    'A finished container.',
    ['exitCode'],
  ),
  [V1 + 'VolumeMountStatus']: s.obj(
    {
      name: s.str('Volume name.'),
      mountPath: s.str('Mount path.'),
      readOnly: s.bool('Mounted read-only.'),
      recursiveReadOnly: s.str('Recursive read-only state.'),
    },
    'Status of one volume mount.',
    ['name', 'mountPath'],
  ),
  [V1 + 'ContainerUser']: s.obj(
    { linux: core('LinuxContainerUser', 'Linux identity.') },
    'Identity of a container process.',
  ),
  [V1 + 'LinuxContainerUser']: s.obj(
    {
      uid: s.int64('User ID.'),
      gid: s.int64('Group ID.'),
      supplementalGroups: s.list(s.int64('A group ID.'), 'Extra group IDs.'),
    },
    'A Linux process identity.',
    ['uid', 'gid'],
  ),
  [V1 + 'ResourceStatus']: s.obj(
    {
      name: s.str('Resource name.'),
      resources: s.mapList(core('ResourceHealth'), 'resourceID', 'Health per device.'),
    },
    'Health of the devices of one resource.',
    ['name'],
  ),
  [V1 + 'ResourceHealth']: s.obj(
    { resourceID: s.str('Device ID.'), health: s.str('Healthy, Unhealthy or Unknown.') },
    'Health of one device.',
    ['resourceID'],
  ),
};
