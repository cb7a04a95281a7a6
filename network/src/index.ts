/**
 * @henan-chain/network: the 河南链 Fabric consortium on local processes, from
 * network-config/hosts.yaml. What scripts/network and scripts/chaincode do, for programs and tests
 * that bring a network up themselves (each in its own Workspace, at its own port offset).
 */
export { up, down, status, NetworkError, type UpOptions, type NetworkStatus, type NodeStatus } from './network';
export { deploy, upgrade, type DeployOptions } from './chaincode/deploy';
export { Workspace } from './workspace';
export { readState, type NetworkState, type ChaincodeState } from './state';
export { locateFabric, requireFabric3, FabricNotFound, type FabricInstall } from './fabric-binaries';
export type { ConnectionProfile, ProfileEndpoint, ProfileIdentity } from './connection-profile';
export { loadHosts, withPortOffset, type Hosts, type Organisation } from './hosts';
export { freePortOffset } from './ports';
