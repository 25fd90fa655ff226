/**
 * Schema definitions of apps/v1: Deployment, ReplicaSet, StatefulSet, DaemonSet and
 * ControllerRevision with their specs, statuses, strategies and conditions, named as Kubernetes
 * names them so `kubectl explain deployment.spec.strategy` works. Descriptions are Berth's own.
 */
import { s, type Definitions, type Schema } from '../../schema/types.ts';
import { CORE, META, conditionsField, kindSchema, listSchema, workloadCondition } from './schema-kit.ts';

const A = 'io.k8s.api.apps.v1.';
const gvk = (kind: string) => ({ group: 'apps', version: 'v1', kind });

const selector = (what: string): Schema =>
  s.ref(
    META + 'LabelSelector',
    `Label query over the pods this ${what} manages; must match the template's labels. Immutable.`,
  );
const template = (what: string): Schema => s.ref(CORE + 'PodTemplateSpec', `The pod this ${what} creates.`);
const minReadySeconds = s.int32(
  'Seconds a new pod must be ready without crashing before it counts as available (default 0).',
);
const revisionHistoryLimit = (what: string) =>
  s.int32(`How many old revisions of this ${what} to keep for rollback (default 10).`);
const collisionCount = s.int32(
  'Counter the controller uses to avoid name collisions when it creates revision names.',
);
const observedGeneration = s.int64('The most recent generation the controller has acted on.');

const deployment: Definitions = {
  [A + 'Deployment']: kindSchema(gvk('Deployment'), 'Declarative updates for pods and their ReplicaSets.', {
    spec: s.ref(A + 'DeploymentSpec', 'The desired behaviour of the Deployment.'),
    status: s.ref(A + 'DeploymentStatus', 'The most recently observed state of the Deployment.'),
  }),
  [A + 'DeploymentList']: listSchema(gvk('DeploymentList'), A + 'Deployment'),
  [A + 'DeploymentSpec']: s.obj(
    {
      replicas: s.int32('Desired number of pods (default 1).'),
      selector: selector('Deployment'),
      template: template('Deployment'),
      strategy: {
        ...s.ref(A + 'DeploymentStrategy', 'How existing pods are replaced by new ones.'),
        'x-kubernetes-patch-strategy': 'retainKeys',
      },
      minReadySeconds,
      revisionHistoryLimit: revisionHistoryLimit('Deployment'),
      paused: s.bool('When true, changes to the template do not start a rollout.'),
      progressDeadlineSeconds: s.int32(
        'Seconds a rollout may make no progress before it is reported as failed (default 600).',
      ),
    },
    'The desired state of a Deployment.',
    ['selector', 'template'],
  ),
  [A + 'DeploymentStrategy']: s.obj(
    {
      type: s.enumOf(['Recreate', 'RollingUpdate'], 'Recreate or RollingUpdate (default RollingUpdate).'),
      rollingUpdate: s.ref(
        A + 'RollingUpdateDeployment',
        'Rolling update parameters; only with type RollingUpdate.',
      ),
    },
    'How a Deployment replaces its pods.',
  ),
  [A + 'RollingUpdateDeployment']: s.obj(
    {
      maxUnavailable: s.intOrString(
        'Most pods that may be unavailable during the update, as a number or percentage (default 25%).',
      ),
      maxSurge: s.intOrString(
        'Most pods that may be created above the desired count, as a number or percentage (default 25%).',
      ),
    },
    'Pace of a rolling update.',
  ),
  [A + 'DeploymentStatus']: s.obj(
    {
      observedGeneration,
      replicas: s.int32('Pods targeted by this Deployment (their labels match the selector).'),
      updatedReplicas: s.int32('Pods that run the current template.'),
      readyReplicas: s.int32('Pods with a Ready condition.'),
      availableReplicas: s.int32('Pods ready for at least minReadySeconds.'),
      unavailableReplicas: s.int32('Pods still needed for the Deployment to be fully available.'),
      conditions: conditionsField(A + 'DeploymentCondition', 'The latest observations of the rollout.'),
      collisionCount,
    },
    'The observed state of a Deployment.',
  ),
  [A + 'DeploymentCondition']: workloadCondition(
    'One observation about a Deployment (Available, Progressing, ReplicaFailure).',
    true,
  ),
};

const replicaSet: Definitions = {
  [A + 'ReplicaSet']: kindSchema(gvk('ReplicaSet'), 'Keeps a given number of identical pods running.', {
    spec: s.ref(A + 'ReplicaSetSpec', 'The desired behaviour of the ReplicaSet.'),
    status: s.ref(A + 'ReplicaSetStatus', 'The most recently observed state of the ReplicaSet.'),
  }),
  [A + 'ReplicaSetList']: listSchema(gvk('ReplicaSetList'), A + 'ReplicaSet'),
  [A + 'ReplicaSetSpec']: s.obj(
    {
      replicas: s.int32('Desired number of pods (default 1).'),
      minReadySeconds,
      selector: selector('ReplicaSet'),
      template: template('ReplicaSet'),
    },
    'The desired state of a ReplicaSet.',
    ['selector'],
  ),
  [A + 'ReplicaSetStatus']: s.obj(
    {
      replicas: s.int32('Most recently observed number of pods.'),
      fullyLabeledReplicas: s.int32('Pods whose labels match the template labels.'),
      readyReplicas: s.int32('Pods with a Ready condition.'),
      availableReplicas: s.int32('Pods ready for at least minReadySeconds.'),
      observedGeneration,
      conditions: conditionsField(A + 'ReplicaSetCondition', 'The latest observations of the ReplicaSet.'),
    },
    'The observed state of a ReplicaSet.',
    ['replicas'],
  ),
  [A + 'ReplicaSetCondition']: workloadCondition('One observation about a ReplicaSet.'),
};

const statefulSet: Definitions = {
  [A + 'StatefulSet']: kindSchema(
    gvk('StatefulSet'),
    'Pods with stable identities and stable storage, created and updated in order.',
    {
      spec: s.ref(A + 'StatefulSetSpec', 'The desired behaviour of the StatefulSet.'),
      status: s.ref(A + 'StatefulSetStatus', 'The most recently observed state of the StatefulSet.'),
    },
  ),
  [A + 'StatefulSetList']: listSchema(gvk('StatefulSetList'), A + 'StatefulSet'),
  [A + 'StatefulSetSpec']: s.obj(
    {
      replicas: s.int32('Desired number of pods (default 1).'),
      selector: selector('StatefulSet'),
      template: template('StatefulSet'),
      volumeClaimTemplates: s.list(
        s.ref(CORE + 'PersistentVolumeClaim'),
        'Claims each pod gets its own copy of, mounted by name in the template.',
      ),
      serviceName: s.str('Name of the headless Service that gives the pods their network identity.'),
      podManagementPolicy: s.enumOf(
        ['OrderedReady', 'Parallel'],
        'Whether pods are created and removed one by one (OrderedReady) or all at once (Parallel).',
      ),
      updateStrategy: s.ref(
        A + 'StatefulSetUpdateStrategy',
        'How pods are updated when the template changes.',
      ),
      revisionHistoryLimit: revisionHistoryLimit('StatefulSet'),
      minReadySeconds,
      persistentVolumeClaimRetentionPolicy: s.ref(
        A + 'StatefulSetPersistentVolumeClaimRetentionPolicy',
        'What happens to the claims from volumeClaimTemplates when the set is deleted or scaled down.',
      ),
      ordinals: s.ref(A + 'StatefulSetOrdinals', 'The numbering of the pods.'),
    },
    'The desired state of a StatefulSet.',
    ['selector', 'template'],
  ),
  [A + 'StatefulSetUpdateStrategy']: s.obj(
    {
      type: s.enumOf(['OnDelete', 'RollingUpdate'], 'RollingUpdate (default) or OnDelete.'),
      rollingUpdate: s.ref(A + 'RollingUpdateStatefulSetStrategy', 'Parameters of a RollingUpdate.'),
    },
    'How a StatefulSet updates its pods.',
  ),
  [A + 'RollingUpdateStatefulSetStrategy']: s.obj(
    {
      partition: s.int32(
        'Pods with an ordinal at or above this number are updated; the rest keep the old revision (default 0).',
      ),
      maxUnavailable: s.intOrString('Most pods that may be unavailable during the update (default 1).'),
    },
    'Parameters of a StatefulSet rolling update.',
  ),
  [A + 'StatefulSetPersistentVolumeClaimRetentionPolicy']: s.obj(
    {
      whenDeleted: s.enumOf(
        ['Retain', 'Delete'],
        'Retain or Delete the claims when the StatefulSet is deleted (default Retain).',
      ),
      whenScaled: s.enumOf(
        ['Retain', 'Delete'],
        'Retain or Delete the claims of pods removed by a scale-down (default Retain).',
      ),
    },
    'Lifecycle of the claims a StatefulSet creates.',
  ),
  [A + 'StatefulSetOrdinals']: s.obj(
    { start: s.int32('Number given to the first pod (default 0).') },
    'How the pods of a StatefulSet are numbered.',
  ),
  [A + 'StatefulSetStatus']: s.obj(
    {
      observedGeneration,
      replicas: s.int32('Pods created by the controller.'),
      readyReplicas: s.int32('Pods with a Ready condition.'),
      currentReplicas: s.int32('Pods at the currentRevision.'),
      updatedReplicas: s.int32('Pods at the updateRevision.'),
      currentRevision: s.str('Revision used for pods below the update partition.'),
      updateRevision: s.str('Revision the set is updating to.'),
      collisionCount,
      conditions: conditionsField(A + 'StatefulSetCondition', 'The latest observations of the StatefulSet.'),
      availableReplicas: s.int32('Pods ready for at least minReadySeconds.'),
    },
    'The observed state of a StatefulSet.',
    ['replicas'],
  ),
  [A + 'StatefulSetCondition']: workloadCondition('One observation about a StatefulSet.'),
};

const daemonSet: Definitions = {
  [A + 'DaemonSet']: kindSchema(gvk('DaemonSet'), 'Runs a copy of a pod on every eligible node.', {
    spec: s.ref(A + 'DaemonSetSpec', 'The desired behaviour of the DaemonSet.'),
    status: s.ref(A + 'DaemonSetStatus', 'The most recently observed state of the DaemonSet.'),
  }),
  [A + 'DaemonSetList']: listSchema(gvk('DaemonSetList'), A + 'DaemonSet'),
  [A + 'DaemonSetSpec']: s.obj(
    {
      selector: selector('DaemonSet'),
      template: template('DaemonSet'),
      updateStrategy: s.ref(
        A + 'DaemonSetUpdateStrategy',
        'How pods are replaced when the template changes.',
      ),
      minReadySeconds,
      revisionHistoryLimit: revisionHistoryLimit('DaemonSet'),
    },
    'The desired state of a DaemonSet.',
    ['selector', 'template'],
  ),
  [A + 'DaemonSetUpdateStrategy']: s.obj(
    {
      type: s.enumOf(['OnDelete', 'RollingUpdate'], 'RollingUpdate (default) or OnDelete.'),
      rollingUpdate: s.ref(A + 'RollingUpdateDaemonSet', 'Parameters of a RollingUpdate.'),
    },
    'How a DaemonSet updates its pods.',
  ),
  [A + 'RollingUpdateDaemonSet']: s.obj(
    {
      maxUnavailable: s.intOrString('Most nodes whose pod may be unavailable during the update (default 1).'),
      maxSurge: s.intOrString('Most nodes that may run an extra, updated pod during the update (default 0).'),
    },
    'Pace of a DaemonSet rolling update.',
  ),
  [A + 'DaemonSetStatus']: s.obj(
    {
      currentNumberScheduled: s.int32('Nodes that run at least one daemon pod and should.'),
      numberMisscheduled: s.int32('Nodes that run a daemon pod but should not.'),
      desiredNumberScheduled: s.int32('Nodes that should run the daemon pod.'),
      numberReady: s.int32('Nodes whose daemon pod is ready.'),
      observedGeneration,
      updatedNumberScheduled: s.int32('Nodes running the updated daemon pod.'),
      numberAvailable: s.int32('Nodes whose daemon pod has been ready for minReadySeconds.'),
      numberUnavailable: s.int32('Nodes that should run an available daemon pod but do not.'),
      collisionCount,
      conditions: conditionsField(A + 'DaemonSetCondition', 'The latest observations of the DaemonSet.'),
    },
    'The observed state of a DaemonSet.',
    ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'],
  ),
  [A + 'DaemonSetCondition']: workloadCondition('One observation about a DaemonSet.'),
};

const controllerRevision: Definitions = {
  [A + 'ControllerRevision']: kindSchema(
    gvk('ControllerRevision'),
    'An immutable snapshot of state a controller (StatefulSet, DaemonSet) can roll back to.',
    {
      data: {
        type: 'object',
        'x-kubernetes-preserve-unknown-fields': true,
        description: 'The serialized state of this revision.',
      },
      revision: s.int64('The revision number of this snapshot.'),
    },
    ['revision'],
  ),
  [A + 'ControllerRevisionList']: listSchema(gvk('ControllerRevisionList'), A + 'ControllerRevision'),
};

/** All apps/v1 definitions. */
export const definitions: Definitions = {
  ...deployment,
  ...replicaSet,
  ...statefulSet,
  ...daemonSet,
  ...controllerRevision,
};
