/**
 * The kubelet version a Berth agent reports in nodeInfo: the Kubernetes version the API server
 * answers on /version (src/apiserver/server.ts serverVersion.gitVersion; a test keeps them equal),
 * kept here so the agent does not load the API server's modules.
 */
export const kubeletVersion = 'v1.32.4+berth';
